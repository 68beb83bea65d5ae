using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Tests.Browser;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Email;

/// <summary>
/// How the emails read and look: each one as the test SMTP server received it, its HTML laid out by
/// a real Chromium at a desktop mail pane (600 px) and a phone (375 px), light and dark. Every page
/// seen is saved as a screenshot (email-*.png in the screenshots folder).
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class EmailCraftTests(ITestOutputHelper output)
{
    private const int Phone = 375;
    private const int Desktop = 600;

    private readonly Screenshots shots = new(output);

    [Fact]
    public async Task PlainText_WrapsAt78Columns_WithoutBreakingUrls()
    {
        await using var app = await TestApp.StartAsync();
        var digest = await EmailSamples.DigestAsync(app);
        var (confirmation, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);

        foreach (var message in new[] { digest, confirmation, welcome })
        {
            var lines = message.TextBody!.Replace("\r", "", StringComparison.Ordinal).Split('\n');
            // A line longer than 76 is a URL alone on its line, never words around it.
            Assert.All(lines, line => Assert.True(line.Length <= 76 || Url().IsMatch(line.Trim()) && !line.Trim().Contains(' ', StringComparison.Ordinal), line));
            // Every link of the HTML part is in the text part whole, on one line.
            var text = string.Join('\n', lines);
            foreach (var href in Hrefs(message.HtmlBody!))
            {
                Assert.Contains(href, text, StringComparison.Ordinal);
            }
        }

        Assert.Contains(digest.TextBody!.Split('\n'), line => line.Length > 60); // wrapped, not chopped short
    }

    [Fact]
    public async Task Welcome_SaysUnsubscribeOnce_InPlainText_AndInHtml()
    {
        await using var app = await TestApp.StartAsync();
        var (_, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);

        Assert.Single(Regex.Matches(welcome.TextBody!, @"\bUnsubscribe\b"));
        Assert.Single(Regex.Matches(VisibleText(welcome.HtmlBody!), @"\bunsubscribe\b", RegexOptions.IgnoreCase));
        Assert.Equal(20, Regex.Count(welcome.TextBody!, "stop this topic:"));
    }

    [Fact]
    public async Task Digest_HasPreheader_NamingCountTopicsAndFirstTitle_Escaped()
    {
        await using var app = await TestApp.StartAsync();
        var digest = await EmailSamples.DigestAsync(app, firstTitle: "<b>Bold</b> & long contexts");

        var preheader = Preheader(digest.HtmlBody!);
        Assert.Equal("10 new papers on Long-context models, DPO and preference learning, Code generation and code models: &lt;b&gt;Bold&lt;/b&gt; &amp; long contexts", preheader);
        // Hidden in the message itself, and everywhere: Outlook needs mso-hide.
        Assert.Matches("<div class=\"preheader\" style=\"display:none;[^\"]*mso-hide:all;\">", digest.HtmlBody!);
    }

    [Fact]
    public async Task EveryEmail_HasPreheader_FirstInTheBody()
    {
        await using var app = await TestApp.StartAsync();
        var (confirmation, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);
        var already = await EmailSamples.AlreadySubscribedAsync(app);

        Assert.Equal("Confirm your subscription to Paper Digest: one click, and nothing is sent until you do.", Preheader(confirmation.HtmlBody!));
        Assert.Equal("You are subscribed: a daily digest of new papers on your 20 topics and 2 interests.", Preheader(welcome.HtmlBody!));
        Assert.Equal("This address is already subscribed to Paper Digest, so nothing has changed.", Preheader(already.HtmlBody!));
        foreach (var message in new[] { confirmation, welcome, already })
        {
            Assert.Matches(@"<body[^>]*>\s*<div class=""preheader""", message.HtmlBody!);
        }
    }

    [Fact]
    public async Task Html_PhoneRule_UsesImportant_AndAppliesAt375Px()
    {
        await using var app = await TestApp.StartAsync();
        var digest = await EmailSamples.DigestAsync(app);
        await using var chromium = await Chromium.LaunchAsync();

        Assert.Matches(@"@media only screen and \(max-width: 620px\) \{\s*\.wrapper-cell \{ padding: 0 !important; \}", digest.HtmlBody!);
        var phone = await OpenAsync(chromium, digest, Phone, "email-digest-375");
        var desktop = await OpenAsync(chromium, digest, Desktop + 40, "email-digest-640");

        // The inlined style says 24px and a 10px radius; on a phone the media rule must win over it.
        Assert.Equal("16px", await Style(phone, ".content", "paddingLeft"));
        Assert.Equal("0px", await Style(phone, ".container", "borderTopLeftRadius"));
        Assert.Equal("24px", await Style(desktop, ".content", "paddingLeft"));
        Assert.Equal("10px", await Style(desktop, ".container", "borderTopLeftRadius"));
        // Nothing wider than the phone: no sideways scrolling.
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= Phone);
    }

    [Fact]
    public async Task FeedbackLinks_AreButtonsAtLeast44PxTall_SpacedApart_AndPlainLinks()
    {
        await using var app = await TestApp.StartAsync();
        var digest = await EmailSamples.DigestAsync(app);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await OpenAsync(chromium, digest, Phone, "email-digest-feedback-375");

        var boxes = await page.EvaluateAsync<double[][]>(
            "[...document.querySelectorAll('a.vote-button')].map(a => { const r = a.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })");
        Assert.Equal(20, boxes.Length);
        Assert.All(boxes, box => Assert.True(box[3] >= 44, $"a feedback button is {box[3]} px tall"));
        for (var i = 0; i < boxes.Length; i += 2)
        {
            var (up, down) = (boxes[i], boxes[i + 1]);
            Assert.True(down[0] - (up[0] + up[2]) >= 8 || down[1] - (up[1] + up[3]) >= 8, "More and Less like this touch each other");
        }

        // Table-based buttons, still plain GET links to the feedback page.
        Assert.Equal(10, Regex.Count(digest.HtmlBody!, @"<td class=""vote-cell""[^>]*><a class=""vote-button""[^>]*href=""https?://[^""]+/feedback/[^""]+vote=up"""));
        Assert.DoesNotContain("<form", digest.HtmlBody!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_IsA600PxCentredTable_WithAnOutlookGhostTable()
    {
        await using var app = await TestApp.StartAsync();
        var (confirmation, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);
        var already = await EmailSamples.AlreadySubscribedAsync(app);
        var digest = await EmailSamples.DigestAsync(app);
        await using var chromium = await Chromium.LaunchAsync();

        foreach (var (message, name) in new[] { (confirmation, "confirm"), (welcome, "welcome"), (already, "already-subscribed"), (digest, "digest") })
        {
            await OpenAsync(chromium, message, Desktop, $"email-{name}-600");
            var html = message.HtmlBody!;
            Assert.Contains("<!--[if mso]><table role=\"presentation\" width=\"600\" align=\"center\"", html, StringComparison.Ordinal);
            Assert.Matches(@"<table role=""presentation"" class=""container"" width=""600"" align=""center""[^>]*style=""[^""]*max-width: 600px", html);
            Assert.DoesNotContain("<div class=\"container\"", html, StringComparison.Ordinal);

            foreach (var dark in new[] { false, true })
            {
                var wide = await OpenAsync(chromium, message, 1000, $"email-{name}-1000{(dark ? "-dark" : "")}", dark);
                var box = await wide.EvaluateAsync<double[]>("(() => { const r = document.querySelector('.container').getBoundingClientRect(); return [r.left, r.width]; })()");
                Assert.Equal(600, box[1], 1.0);
                Assert.Equal(200, box[0], 1.0); // centred in 1000
                if (dark)
                {
                    await OpenAsync(chromium, message, Desktop, $"email-{name}-600-dark", dark);
                }

                var phone = await OpenAsync(chromium, message, Phone, $"email-{name}-375{(dark ? "-dark" : "")}", dark);
                Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= Phone, $"{name} scrolls sideways on a phone");
            }
        }
    }

    [Fact]
    public async Task Welcome_With20Topics_KeepsEachStopLinkOnOneLine()
    {
        await using var app = await TestApp.StartAsync();
        var (_, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await OpenAsync(chromium, welcome, Phone, "email-welcome-topics-375");

        var heights = await page.EvaluateAsync<double[]>("[...document.querySelectorAll('.topic-stop a')].map(a => a.getBoundingClientRect().height)");
        Assert.Equal(20, heights.Length);
        // One line of 20px plus 12px above and below: a wrapped link would be 64px.
        Assert.All(heights, h => Assert.InRange(h, 44, 45));
        Assert.Equal(20, Regex.Count(welcome.HtmlBody!, "stop&nbsp;this&nbsp;topic"));
    }

    [Fact]
    public async Task EveryEmail_ScoresZeroOrBelow_InSpamAssassin()
    {
        await using var app = await TestApp.StartAsync();
        var (confirmation, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);
        var already = await EmailSamples.AlreadySubscribedAsync(app);
        var digest = await EmailSamples.DigestAsync(app);

        foreach (var message in new[] { confirmation, welcome, already, digest })
        {
            var report = await SpamAssassinAsync(message);
            var score = double.Parse(Regex.Match(report, @"Content analysis details:\s+\((-?[0-9.]+) points").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine($"{message.Subject}: {score}");
            Assert.True(score <= 0, $"{message.Subject} scores {score}:\n{report}");
        }
    }

    /// <summary>Debian's SpamAssassin with its local rules only (-L: no network tests), as a receiving server would run it.</summary>
    private static async Task<string> SpamAssassinAsync(MimeMessage message)
    {
        const string executable = "/usr/bin/spamassassin";
        Assert.True(File.Exists(executable), "SpamAssassin is not installed: apt-get install spamassassin (scripts/test does).");
        var start = new System.Diagnostics.ProcessStartInfo(executable, ["-t", "-L"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var report = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await message.WriteToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return await report;
    }

    private async Task<IPage> OpenAsync(Chromium chromium, MimeMessage message, int width, string screenshot, bool dark = false)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
            JavaScriptEnabled = true,
        });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(message.HtmlBody!);
        await shots.TakeAsync(page, screenshot);
        // The message beside its picture: to read the source, or to give to SpamAssassin.
        await message.WriteToAsync(Path.Combine(Screenshots.Folder, screenshot + ".eml"));
        return page;
    }

    private static Task<string> Style(IPage page, string selector, string property) =>
        page.EvaluateAsync<string>($"getComputedStyle(document.querySelector('{selector}')).{property}");

    private static string Preheader(string html) =>
        Regex.Match(html, @"<div class=""preheader""[^>]*>(.*?)[\u2007\u034f\u200c]", RegexOptions.Singleline).Groups[1].Value;

    private static IEnumerable<string> Hrefs(string html) =>
        Regex.Matches(html, @"href=""([^""]+)""").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct();

    /// <summary>What a reader sees: no tags, no attribute values (URLs hold the word unsubscribe too).</summary>
    private static string VisibleText(string html) => Regex.Replace(Regex.Replace(html, "<style.*?</style>", "", RegexOptions.Singleline), "<[^>]*>", " ");

    [GeneratedRegex(@"^https?://\S+$")]
    private static partial Regex Url();
}
