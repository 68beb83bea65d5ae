using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Newsletter.Web;

namespace Newsletter.Bounces;

/// <summary>
/// <c>POST /api/bounces/webhook</c>: bounces and complaints pushed by a sending provider, in one
/// generic shape (README, "Provider webhook"), signed like Stripe's: HMAC-SHA256 with
/// <c>Bounces:WebhookSecret</c> over <c>{X-Webhook-Timestamp}.{body}</c>, hex in
/// <c>X-Webhook-Signature: sha256=…</c>, at most five minutes old so a captured call cannot be
/// replayed later. Each event becomes the same <see cref="BounceReport"/> the mailbox reader makes, so
/// both paths act alike.
/// </summary>
public static class BounceWebhook
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const int MaxEvents = 1000;

    public static async Task<IResult> HandleAsync(HttpContext context, IOptions<BounceOptions> options, BounceProcessor processor, TimeProvider clock, CancellationToken ct)
    {
        if (options.Value.WebhookSecret is not { Length: > 0 } secret)
        {
            return TypedResults.Problem(title: "No webhook", detail: "Set Bounces:WebhookSecret to accept provider events.", statusCode: StatusCodes.Status404NotFound);
        }

        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: 1024 * 1024);
        using var raw = new MemoryStream();
        await context.Request.Body.CopyToAsync(raw, ct);
        context.Request.Body.Position = 0;
        if (!SignatureHolds(context.Request.Headers, raw.ToArray(), secret, clock.GetUtcNow()))
        {
            return TypedResults.Problem(title: "Unauthorized", detail: "X-Webhook-Timestamp and X-Webhook-Signature are missing, stale or do not match the body.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var (document, problem) = await JsonBody.ReadAsync(context.Request, maxBytes: 1024 * 1024);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var (reports, invalid) = Read(document!.RootElement);
            if (invalid is not null)
            {
                return invalid;
            }

            var total = BounceCheckResult.Empty;
            foreach (var report in reports)
            {
                total = total.Add(await processor.ApplyAsync(report, ct));
            }

            return TypedResults.Ok(total);
        }
    }

    private static bool SignatureHolds(IHeaderDictionary headers, byte[] body, string secret, DateTimeOffset now)
    {
        if (!long.TryParse(headers["X-Webhook-Timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance
            || headers["X-Webhook-Signature"].ToString() is not { } given || !given.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes($"{seconds}.").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(given["sha256=".Length..].ToLowerInvariant()));
    }

    private static (List<BounceReport> Reports, IResult? Problem) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            return ([], JsonBody.Invalid("events", "Send {\"events\": [{\"type\", \"email\", ...}]}."));
        }

        if (events.GetArrayLength() > MaxEvents)
        {
            return ([], JsonBody.Invalid("events", $"At most {MaxEvents} events a call."));
        }

        var reports = new List<BounceReport>();
        var index = 0;
        foreach (var e in events.EnumerateArray())
        {
            var field = $"events[{index++}]";
            if (e.ValueKind != JsonValueKind.Object)
            {
                return ([], JsonBody.Invalid(field, "Each event is an object."));
            }

            string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var (type, email, status, messageId) = (Text("type"), Text("email"), Text("status"), Text("messageId")?.Trim('<', '>', ' '));
            if (email is null && messageId is null)
            {
                return ([], JsonBody.Invalid($"{field}.email", "An event needs the recipient's email (or the messageId of what we sent)."));
            }

            if (status is not null && !System.Text.RegularExpressions.Regex.IsMatch(status, @"^[245]\.[0-9]{1,3}\.[0-9]{1,3}$"))
            {
                return ([], JsonBody.Invalid($"{field}.status", "status is an enhanced status code such as 5.1.1."));
            }

            var id = "webhook:" + (Text("id") ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.GetRawText())))[..32]);
            BounceReport? report = type switch
            {
                "bounce" => new(ReportKind.DeliveryStatus, id, [], [new RecipientStatus(email, "failed", status ?? "5.0.0")], messageId),
                "soft-bounce" => new(ReportKind.DeliveryStatus, id, [], [new RecipientStatus(email, "delayed", status ?? "4.0.0")], messageId),
                "complaint" => new(ReportKind.Complaint, id, [], [new RecipientStatus(email, "complaint", "")], messageId, FeedbackType: "abuse"),
                "unsubscribe" when email is not null => new(ReportKind.UnsubscribeRequest, id, [], [], Sender: email),
                _ => null,
            };
            if (report is null)
            {
                return ([], JsonBody.Invalid($"{field}.type", "type is bounce, soft-bounce, complaint or unsubscribe (unsubscribe needs email)."));
            }

            reports.Add(report);
        }

        return (reports, null);
    }
}
