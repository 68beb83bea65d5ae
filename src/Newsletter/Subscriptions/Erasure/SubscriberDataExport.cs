using System.Text.Json;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions.Erasure;

/// <summary>
/// The right of access: everything held about one subscriber, as one JSON document written straight
/// to the response (the subscriber row, topics, interests, requests, consent trail, digests with
/// their entries, thumbs, delivery reports, and the emails public requests caused to the address).
/// </summary>
public sealed class SubscriberDataExport(IDbConnectionFactory connections, SqlCatalog sql, SubscriberStore subscribers)
{
    private readonly string requests = sql["export-subscriber-requests"];
    private readonly string consent = sql["list-consent-events"];
    private readonly string deliveries = sql["export-subscriber-deliveries"];
    private readonly string deliveryEntries = sql["export-subscriber-delivery-entries"];
    private readonly string feedback = sql["export-subscriber-feedback"];
    private readonly string softBounces = sql["export-subscriber-soft-bounces"];
    private readonly string mailLog = sql["export-address-mail-log"];

    public async Task WriteAsync(Subscriber subscriber, Stream output, DateTime now, CancellationToken cancellationToken)
    {
        var settings = await subscribers.GetSettingsAsync(subscriber.Id, cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var id = new { subscriber.Id };
        json.WriteStartObject();
        json.WriteString("exportedAt", Utc(now));
        json.WriteString("about", "Everything this service holds about the address below. Times are UTC.");
        json.WriteStartObject("subscriber");
        json.WriteString("email", subscriber.Email);
        json.WriteString("status", subscriber.Status);
        json.WriteString("frequency", subscriber.Frequency);
        json.WriteNumber("deliveryHour", subscriber.DeliveryHour);
        json.WriteString("timeZone", subscriber.TimeZone);
        json.WriteBoolean("paused", subscriber.Paused);
        json.WriteString("createdAt", Utc(subscriber.CreatedAt));
        json.WriteString("updatedAt", Utc(subscriber.UpdatedAt));
        WriteTime(json, "confirmedAt", subscriber.ConfirmedAt);
        WriteTime(json, "unsubscribedAt", subscriber.UnsubscribedAt);
        json.WriteEndObject();
        WriteStrings(json, "topics", settings.Topics);
        WriteStrings(json, "interests", settings.Interests);

        json.WriteStartArray("subscriptionRequests");
        foreach (var r in await connection.QueryAsync<RequestRow>(requests, id))
        {
            json.WriteStartObject();
            json.WriteNumber("id", r.Id);
            json.WritePropertyName("topics");
            JsonDocument.Parse(r.Topics).WriteTo(json);
            WriteStrings(json, "interests", r.Interests.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            json.WriteString("frequency", r.Frequency);
            json.WriteString("source", r.Source);
            json.WriteString("clientIp", r.ClientIp);
            json.WriteString("userAgent", r.UserAgent);
            json.WriteString("createdAt", Utc(r.CreatedAt));
            WriteTime(json, "emailSentAt", r.EmailSentAt);
            WriteTime(json, "confirmedAt", r.ConfirmedAt);
            WriteTime(json, "closedAt", r.ClosedAt);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("consentTrail");
        foreach (var c in await connection.QueryAsync<ConsentEvent>(consent, new { SubscriberId = subscriber.Id }))
        {
            json.WriteStartObject();
            json.WriteString("kind", c.Kind);
            json.WritePropertyName("detail");
            JsonDocument.Parse(c.Detail).WriteTo(json);
            json.WriteString("clientIp", c.ClientIp);
            json.WriteString("userAgent", c.UserAgent);
            json.WriteString("occurredAt", Utc(c.OccurredAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        var entries = (await connection.QueryAsync<DeliveryEntryRow>(deliveryEntries, id)).ToLookup(e => e.DeliveryId);
        json.WriteStartArray("digests");
        foreach (var d in await connection.QueryAsync<DeliveryRow>(deliveries, id))
        {
            json.WriteStartObject();
            json.WriteNumber("id", d.Id);
            json.WriteNumber("runId", d.RunId);
            json.WriteString("state", d.State);
            json.WriteNumber("attempts", d.Attempts);
            json.WriteString("messageId", d.MessageId);
            json.WriteString("lastError", d.LastError);
            json.WriteString("updatedAt", Utc(d.UpdatedAt));
            json.WriteStartArray("entries");
            foreach (var e in entries[d.Id])
            {
                json.WriteStartObject();
                json.WriteNumber("position", e.Position);
                json.WriteString("title", e.Title);
                json.WriteString("url", e.Url);
                json.WriteString("reason", e.Reason);
                json.WriteNumber("score", e.Score);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("feedback");
        foreach (var f in await connection.QueryAsync<FeedbackRow>(feedback, id))
        {
            json.WriteStartObject();
            json.WriteString("title", f.Title);
            json.WriteString("url", f.Url);
            json.WriteString("vote", f.Vote > 0 ? "up" : "down");
            json.WriteString("createdAt", Utc(f.CreatedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("deliveryReports");
        foreach (var b in await connection.QueryAsync<SoftBounceRow>(softBounces, id))
        {
            json.WriteStartObject();
            json.WriteString("reportId", b.ReportId);
            json.WriteString("status", b.Status);
            json.WriteString("receivedAt", Utc(b.ReceivedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("emailsCausedByRequests");
        foreach (var m in await connection.QueryAsync<MailLogRow>(mailLog, new { subscriber.Email }))
        {
            json.WriteStartObject();
            json.WriteString("kind", m.Kind);
            json.WriteString("createdAt", Utc(m.CreatedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, Utc(v));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    // SQLite hands times back without a kind; every stored time is UTC.
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    internal sealed class RequestRow
    {
        public long Id { get; init; }
        public string Topics { get; init; } = "";
        public string Interests { get; init; } = "";
        public string Frequency { get; init; } = "";
        public string Source { get; init; } = "";
        public string? ClientIp { get; init; }
        public string? UserAgent { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? EmailSentAt { get; init; }
        public DateTime? ConfirmedAt { get; init; }
        public DateTime? ClosedAt { get; init; }
    }

    internal sealed class DeliveryRow
    {
        public long Id { get; init; }
        public long RunId { get; init; }
        public string State { get; init; } = "";
        public long Attempts { get; init; }
        public string? MessageId { get; init; }
        public string? LastError { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    internal sealed class DeliveryEntryRow
    {
        public long DeliveryId { get; init; }
        public long Position { get; init; }
        public double Score { get; init; }
        public string Reason { get; init; } = "";
        public string Title { get; init; } = "";
        public string? Url { get; init; }
    }

    internal sealed class FeedbackRow
    {
        public string Title { get; init; } = "";
        public string? Url { get; init; }
        public long Vote { get; init; }
        public DateTime CreatedAt { get; init; }
    }

    internal sealed class SoftBounceRow
    {
        public string ReportId { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime ReceivedAt { get; init; }
    }

    internal sealed class MailLogRow
    {
        public string Kind { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }
}
