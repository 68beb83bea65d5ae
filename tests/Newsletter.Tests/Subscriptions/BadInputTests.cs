using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Subscriptions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Subscriptions;

/// <summary>
/// Bad input everywhere a stranger can send it: every case gets a 400 (or 404 for links and
/// unknown addresses) as problem details naming the field, never a 5xx, and stores nothing.
/// One app is shared by all cases that must store nothing; the few cases that need a real
/// subscriber, or that store on purpose, start their own.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class BadInputTests(BadInputTests.Fixture fixture) : IClassFixture<BadInputTests.Fixture>
{
    private const string ProblemJson = "application/problem+json";
    private static readonly string[] StoredTables = ["subscribers", "subscription_requests", "consent_events", "address_mail_log"];

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static string Body(string email) => Json(new { email });

    /// <summary>Name → raw body for POST /api/subscriptions. The theory rows carry only the name and the field, so test names stay short.</summary>
    private static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        // The body as a whole.
        ["empty body"] = "",
        ["whitespace body"] = "   \r\n\t ",
        ["JSON null"] = "null",
        ["JSON array"] = "[]",
        ["JSON string"] = "\"reader@example.org\"",
        ["JSON number"] = "42",
        ["truncated JSON"] = "{\"email\": \"reader@example.org\"",
        ["trailing garbage"] = "{\"email\": \"reader@example.org\"} x",
        ["single quotes"] = "{'email': 'reader@example.org'}",
        ["body over 64 KB"] = Json(new { email = "big@example.org", interests = new string('a', 70_000) }),
        ["JSON nested too deep"] = "{\"email\": \"deep@example.org\", \"interests\": " + new string('[', 64) + new string(']', 64) + "}",

        // email: missing or of the wrong type.
        ["missing email"] = "{}",
        ["missing email, other fields set"] = Json(new { topics = new[] { "code-models" }, frequency = "daily" }),
        ["email null"] = "{\"email\": null}",
        ["email number"] = "{\"email\": 42}",
        ["email true"] = "{\"email\": true}",
        ["email array"] = "{\"email\": [\"reader@example.org\"]}",
        ["email object"] = "{\"email\": {\"address\": \"reader@example.org\"}}",

        // email: the value.
        ["empty email"] = Body(""),
        ["whitespace email"] = Body("   "),
        ["no @"] = Body("reader.example.org"),
        ["two @"] = Body("reader@home@example.org"),
        ["nothing before @"] = Body("@example.org"),
        ["nothing after @"] = Body("reader@"),
        ["no dot in domain"] = Body("reader@localhost"),
        ["leading dot in local part"] = Body(".reader@example.org"),
        ["trailing dot in local part"] = Body("reader.@example.org"),
        ["double dot in local part"] = Body("re..ader@example.org"),
        ["local part of 65 characters"] = Body(new string('a', 65) + "@example.org"),
        ["address of 255 characters"] = Body("a@" + string.Join('.', Enumerable.Repeat(new string('b', 61), 4)) + ".example"),
        ["address of 10,000 characters"] = Body(new string('a', 10_000) + "@example.org"),
        ["CR LF Bcc injection"] = Body("reader@example.org\r\nBcc: victim@example.org"),
        ["LF injection"] = Body("reader@example.org\nBcc: victim@example.org"),
        ["trailing LF"] = Body("reader@example.org\n"),
        ["NUL character"] = Body("reader\0@example.org"),
        ["control character"] = Body("reader\u0007@example.org"),
        ["space inside"] = Body("read er@example.org"),
        ["quoted local part"] = Body("\"a b\"@example.org"),
        ["angle brackets with name"] = Body("Reader <reader@example.org>"),
        ["comment in address"] = Body("reader(comment)@example.org"),
        ["non-ASCII local part"] = Body("jörg@example.org"),
        ["domain label starting and ending with hyphen"] = Body("a@-bad-.example"),
        ["empty punycode label"] = Body("a@xn--.example"),
        ["empty domain label"] = Body("a@example..org"),
        ["domain label of 64 characters"] = Body("a@" + new string('b', 64) + ".example"),
        ["numeric TLD (IP address)"] = Body("a@1.2.3.4"),
        ["IP literal"] = Body("a@[127.0.0.1]"),
        ["underscore in domain"] = Body("a@ex_ample.org"),

        // topics.
        ["topics as a string"] = "{\"email\": \"t@example.org\", \"topics\": \"code-models\"}",
        ["topics as an object"] = "{\"email\": \"t@example.org\", \"topics\": {\"code-models\": true}}",
        ["topics with a number"] = "{\"email\": \"t@example.org\", \"topics\": [\"code-models\", 7]}",
        ["topics with null"] = "{\"email\": \"t@example.org\", \"topics\": [null]}",
        ["topics with unknown slug"] = Json(new { email = "t@example.org", topics = new[] { "code-models", "no-such-topic" } }),
        ["topics with a slug in upper case"] = Json(new { email = "t@example.org", topics = new[] { "CODE-MODELS" } }),
        ["topics with an empty slug"] = Json(new { email = "t@example.org", topics = new[] { "" } }),
        ["more than 100 topics"] = Json(new { email = "t@example.org", topics = Enumerable.Repeat("code-models", 101).ToArray() }),

        // interests.
        ["interests as number"] = "{\"email\": \"i@example.org\", \"interests\": 12}",
        ["interests as array"] = "{\"email\": \"i@example.org\", \"interests\": [\"DPO\", \"RAG\"]}",
        ["interests over 2,000 characters"] = Json(new { email = "i@example.org", interests = new string('x', 2001) }),
        ["interests over 20 lines"] = Json(new { email = "i@example.org", interests = string.Join('\n', Enumerable.Range(1, 21).Select(i => "interest number " + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) }),
        ["interests with BEL control character"] = Json(new { email = "i@example.org", interests = "DPO\u0007" }),
        ["interests with NUL"] = Json(new { email = "i@example.org", interests = "DPO\0RAG" }),

        // frequency.
        ["frequency hourly"] = Json(new { email = "f@example.org", frequency = "hourly" }),
        ["frequency number"] = "{\"email\": \"f@example.org\", \"frequency\": 7}",
        ["frequency array"] = "{\"email\": \"f@example.org\", \"frequency\": [\"daily\"]}",

        // Unknown fields.
        ["unknown extra field"] = "{\"email\": \"u@example.org\", \"referrer\": \"twitter\"}",
        ["misspelt field"] = "{\"email\": \"u@example.org\", \"topic\": [\"code-models\"]}",
    };

    public static TheoryData<string, string> JsonCases => new()
    {
        { "empty body", "body" },
        { "whitespace body", "body" },
        { "JSON null", "body" },
        { "JSON array", "body" },
        { "JSON string", "body" },
        { "JSON number", "body" },
        { "truncated JSON", "body" },
        { "trailing garbage", "body" },
        { "single quotes", "body" },
        { "body over 64 KB", "body" },
        { "JSON nested too deep", "body" },
        { "missing email", "email" },
        { "missing email, other fields set", "email" },
        { "email null", "email" },
        { "email number", "email" },
        { "email true", "email" },
        { "email array", "email" },
        { "email object", "email" },
        { "empty email", "email" },
        { "whitespace email", "email" },
        { "no @", "email" },
        { "two @", "email" },
        { "nothing before @", "email" },
        { "nothing after @", "email" },
        { "no dot in domain", "email" },
        { "leading dot in local part", "email" },
        { "trailing dot in local part", "email" },
        { "double dot in local part", "email" },
        { "local part of 65 characters", "email" },
        { "address of 255 characters", "email" },
        { "address of 10,000 characters", "email" },
        { "CR LF Bcc injection", "email" },
        { "LF injection", "email" },
        { "trailing LF", "email" },
        { "NUL character", "email" },
        { "control character", "email" },
        { "space inside", "email" },
        { "quoted local part", "email" },
        { "angle brackets with name", "email" },
        { "comment in address", "email" },
        { "non-ASCII local part", "email" },
        { "domain label starting and ending with hyphen", "email" },
        { "empty punycode label", "email" },
        { "empty domain label", "email" },
        { "domain label of 64 characters", "email" },
        { "numeric TLD (IP address)", "email" },
        { "IP literal", "email" },
        { "underscore in domain", "email" },
        { "topics as a string", "topics" },
        { "topics as an object", "topics" },
        { "topics with a number", "topics" },
        { "topics with null", "topics" },
        { "topics with unknown slug", "topics" },
        { "topics with a slug in upper case", "topics" },
        { "topics with an empty slug", "topics" },
        { "more than 100 topics", "topics" },
        { "interests as number", "interests" },
        { "interests as array", "interests" },
        { "interests over 2,000 characters", "interests" },
        { "interests over 20 lines", "interests" },
        { "interests with BEL control character", "interests" },
        { "interests with NUL", "interests" },
        { "frequency hourly", "frequency" },
        { "frequency number", "frequency" },
        { "frequency array", "frequency" },
        { "unknown extra field", "referrer" },
        { "misspelt field", "topic" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task SubscribeApi_BadJson_Is400NamingTheField_AndStoresNothing(string description, string field)
    {
        var app = fixture.App;
        using var content = new StringContent(Bodies[description], Encoding.UTF8, "application/json");
        var response = await app.Client.PostAsync("/api/subscriptions", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, description, field);
        AssertNothingStored(app, description);
    }

    [Fact]
    public async Task SubscribeApi_BodyOver64KbSentChunked_Is400NamingBody_AndStoresNothing()
    {
        var app = fixture.App;
        var bytes = Encoding.UTF8.GetBytes(Json(new { email = "chunked@example.org", interests = new string('a', 70_000) }));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await app.Client.PostAsync("/api/subscriptions", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "chunked body over 64 KB", "body");
        AssertNothingStored(app, "chunked body over 64 KB");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task SubscribeApi_WrongContentType_Is415Problem_AndStoresNothing(string mediaType)
    {
        var app = fixture.App;
        using var content = new StringContent(Body("typed@example.org"), Encoding.UTF8, mediaType);
        var response = await app.Client.PostAsync("/api/subscriptions", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, $"content type {mediaType}", field: null);
        AssertNothingStored(app, mediaType);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    public async Task SubscribeForm_WithoutAntiforgeryToken_Is400_AndStoresNothing(string accept)
    {
        var app = fixture.App;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/subscribe")
        {
            Content = new FormUrlEncodedContent([new("email", "form@example.org"), new("topics", "code-models"), new("frequency", "daily")]),
        };
        request.Headers.Accept.ParseAdd(accept);
        var response = await app.Client.SendAsync(request);

        Assert.True((int)response.StatusCode < 500, $"5xx for a form without antiforgery token (Accept {accept})");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var expectedType = accept == "text/html" ? "text/html" : ProblemJson;
        Assert.Equal(expectedType, response.Content.Headers.ContentType?.MediaType);
        AssertNothingStored(app, $"form without antiforgery token (Accept {accept})");
    }

    public enum TokenKind
    {
        Garbage,
        TooShort,
        OneCharacterChanged,
        WrongPurpose,
        UnknownSubscriber,
    }

    public static TheoryData<string, string, TokenKind> TokenCases
    {
        get
        {
            var data = new TheoryData<string, string, TokenKind>();
            foreach (var page in new[] { "confirm", "preferences", "unsubscribe" })
            {
                foreach (var method in new[] { "GET", "POST" })
                {
                    foreach (var kind in Enum.GetValues<TokenKind>())
                    {
                        data.Add(method, page, kind);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(TokenCases))]
    public async Task LinkPages_BadToken_Are404Problem_AndStoreNothing(string method, string page, TokenKind kind)
    {
        var app = fixture.App;
        var tokens = app.Services.GetRequiredService<SubscriberTokens>();
        var purpose = PurposeOf(page);
        var token = kind switch
        {
            TokenKind.Garbage => "not-a-token-at-all",
            TokenKind.TooShort => "A",
            TokenKind.OneCharacterChanged => ChangeOneCharacter(tokens.Create(purpose, 1, 1)),
            TokenKind.WrongPurpose => tokens.Create(purpose == TokenPurpose.Unsubscribe ? TokenPurpose.Confirm : TokenPurpose.Unsubscribe, 1, 1),
            TokenKind.UnknownSubscriber => tokens.Create(purpose, 987_654, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await SendLinkAsync(app.Client, method, page, token);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, $"{method} /{page}/ with a {kind} token", field: null);
        AssertNothingStored(app, $"{method} /{page}/ with a {kind} token");
    }

    public static TheoryData<string, string, HttpStatusCode, string> AdminLookupCases => new()
    {
        { "not an address", "?email=not-an-address", HttpStatusCode.BadRequest, "email" },
        { "missing email parameter", "", HttpStatusCode.BadRequest, "email" },
        { "empty email parameter", "?email=", HttpStatusCode.BadRequest, "email" },
        { "CR LF in address", "?email=" + Uri.EscapeDataString("a@example.org\r\nX: y"), HttpStatusCode.BadRequest, "email" },
        { "unknown but valid address", "?email=nobody@example.org", HttpStatusCode.NotFound, "" },
    };

    [Theory]
    [MemberData(nameof(AdminLookupCases))]
    public async Task AdminSubscriberLookup_BadOrUnknownAddress_IsProblem(string description, string query, HttpStatusCode status, string field)
    {
        var app = fixture.App;
        using var admin = app.AdminClient();
        var response = await admin.GetAsync("/api/subscribers" + query);

        await AssertProblemAsync(response, status, description, field.Length == 0 ? null : field);
        AssertNothingStored(app, description);
    }

    public static TheoryData<string, string, string> TopicCases => new()
    {
        { "missing slug", Json(new { name = "Robots", description = "Robot learning." }), "slug" },
        { "slug with upper case", Json(new { slug = "Robots", name = "Robots", description = "Robot learning." }), "slug" },
        { "slug with spaces", Json(new { slug = "robot learning", name = "Robots", description = "Robot learning." }), "slug" },
        { "slug not a string", "{\"slug\": 5, \"name\": \"Robots\", \"description\": \"Robot learning.\"}", "slug" },
        { "name too long", Json(new { slug = "robots", name = new string('n', 81), description = "Robot learning." }), "name" },
        { "missing name", Json(new { slug = "robots", description = "Robot learning." }), "name" },
        { "keywords not an array", Json(new { slug = "robots", name = "Robots", description = "Robot learning.", keywords = "robots" }), "keywords" },
        { "keywords with a number", "{\"slug\": \"robots\", \"name\": \"Robots\", \"description\": \"Robot learning.\", \"keywords\": [\"robot\", 3]}", "keywords" },
        { "negative position", Json(new { slug = "robots", name = "Robots", description = "Robot learning.", position = -1 }), "position" },
        { "body is an array", "[]", "body" },
        { "body is not JSON", "slug=robots", "body" },
    };

    [Theory]
    [MemberData(nameof(TopicCases))]
    public async Task AdminCreateTopic_BadBody_Is400NamingTheField_AndCreatesNoTopic(string description, string body, string field)
    {
        var app = fixture.App;
        using var admin = app.AdminClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("/api/topics", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, description, field);
        Assert.Equal(fixture.TopicRows, app.CountRows("topics"));
        AssertNothingStored(app, description);
    }

    private static TokenPurpose PurposeOf(string page) => page switch
    {
        "confirm" => TokenPurpose.Confirm,
        "preferences" => TokenPurpose.Preferences,
        "unsubscribe" => TokenPurpose.Unsubscribe,
        _ => throw new ArgumentOutOfRangeException(nameof(page)),
    };

    /// <summary>
    /// The same token with its last character (inside the MAC, so the subscriber id and version stay
    /// valid) replaced: only the signature check can reject it.
    /// </summary>
    internal static string ChangeOneCharacter(string token)
    {
        var chars = token.ToCharArray();
        chars[^1] = chars[^1] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    internal static async Task<HttpResponseMessage> SendLinkAsync(HttpClient client, string method, string page, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/{page}/{token}");
        request.Headers.Accept.ParseAdd("application/json");
        if (method == "POST")
        {
            request.Content = page == "unsubscribe"
                ? new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])
                : new FormUrlEncodedContent([new("frequency", "weekly"), new("delivery_hour", "8"), new("time_zone", "UTC")]);
        }

        return await client.SendAsync(request);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string description, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{description}: {(int)response.StatusCode} {text}");
        Assert.True(status == response.StatusCode, $"{description}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.True(ProblemJson == response.Content.Headers.ContentType?.MediaType,
            $"{description}: expected {ProblemJson}, got {response.Content.Headers.ContentType} {text}");
        using var problem = JsonDocument.Parse(text);
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object,
                $"{description}: no errors object in {text}");
            Assert.True(errors.TryGetProperty(field, out _), $"{description}: errors do not name '{field}': {text}");
        }
    }

    private static void AssertNothingStored(TestApp app, string description)
    {
        foreach (var table in StoredTables)
        {
            Assert.True(app.CountRows(table) == 0, $"{description}: {table} has rows");
        }
    }

    /// <summary>A stream that does not say how long it is, so HttpClient sends it chunked (no Content-Length).</summary>
    private sealed class UnknownLengthStream(byte[] data) : Stream
    {
        private readonly MemoryStream inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>One app for every case that must store nothing.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;

        /// <summary>The seeded topics, which no bad topic request may add to.</summary>
        public long TopicRows { get; private set; }

        public async Task InitializeAsync()
        {
            App = await TestApp.StartAsync();
            TopicRows = App.CountRows("topics");
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }
}

/// <summary>
/// The bad-input cases that need a subscriber of their own, or that store on purpose. Each starts its
/// own app; they live in a class of their own so that no app of theirs runs while the shared app of
/// <see cref="BadInputTests"/> is up (Hangfire keeps its log provider and storage in static state,
/// so two live apps in one process disturb each other; see the report).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class BadInputTestsWithOwnApps
{
    [Fact]
    public async Task InternationalDomain_IsNotBadInput_AndIsAccepted()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.SubscribeAsync("ana@bücher.example", ["code-models"], "retrieval", "weekly");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, app.CountRows("subscribers"));
        await app.Smtp!.WaitForAsync("ana@bücher.example", "Confirm");
    }

    [Fact]
    public async Task DoubleSubmit_OfTheSameSubscription_IsAcceptedTwice_ButMakesOneSubscriber()
    {
        await using var app = await TestApp.StartAsync();
        var first = await app.SubscribeAsync("double@example.org", ["code-models"]);
        var second = await app.SubscribeAsync("double@example.org", ["code-models"]);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, app.CountRows("subscribers"));
        Assert.Equal("pending", await app.StatusOfAsync("double@example.org"));
        await app.Smtp!.WaitForAsync("double@example.org", "Confirm");
    }

    [Fact]
    public async Task RealSubscriber_BadTopicOrTamperedTokens_ChangeNothing()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("member@example.org", ["code-models"]);
        var unsubscribePath = new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath;
        var token = unsubscribePath["/unsubscribe/".Length..];
        var tokens = app.Services.GetRequiredService<SubscriberTokens>();
        Assert.True(tokens.TryRead(token, TokenPurpose.Unsubscribe, out var id, out var version));
        var consentBefore = app.CountRows("consent_events");

        // Leaving a topic that does not exist: 400 naming "topic".
        using (var form = new FormUrlEncodedContent([new("topic", "no-such-topic")]))
        {
            var response = await app.Client.PostAsync(unsubscribePath, form);
            await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "unsubscribe from an unknown topic", "topic");
        }

        // The real subscriber's own links, tampered or reused for another purpose or an old version.
        var bad = new (string Description, string Page, string Token)[]
        {
            ("unsubscribe token with one character changed", "unsubscribe", BadInputTests.ChangeOneCharacter(token)),
            ("preferences token on /unsubscribe/", "unsubscribe", tokens.Create(TokenPurpose.Preferences, id, version)),
            ("confirm token on /unsubscribe/", "unsubscribe", tokens.Create(TokenPurpose.Confirm, id, version)),
            ("unsubscribe token on /preferences/", "preferences", token),
            ("unsubscribe token on /confirm/", "confirm", tokens.Create(TokenPurpose.Unsubscribe, id, version)),
            ("unsubscribe token of a revoked (other) version", "unsubscribe", tokens.Create(TokenPurpose.Unsubscribe, id, version + 1)),
            ("preferences token of a revoked (other) version", "preferences", tokens.Create(TokenPurpose.Preferences, id, version + 1)),
        };
        foreach (var (description, page, badToken) in bad)
        {
            foreach (var method in new[] { "GET", "POST" })
            {
                var response = await BadInputTests.SendLinkAsync(app.Client, method, page, badToken);
                await BadInputTests.AssertProblemAsync(response, HttpStatusCode.NotFound, $"{method} {description}", field: null);
            }
        }

        Assert.Equal("active", await app.StatusOfAsync("member@example.org"));
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=member@example.org");
        Assert.Equal(["code-models"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(consentBefore, app.CountRows("consent_events"));
        Assert.Equal(1, app.CountRows("subscribers"));

        // The untouched token still works: the 404s above were about the tokens, not the subscriber.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(unsubscribePath)).StatusCode);
    }
}
