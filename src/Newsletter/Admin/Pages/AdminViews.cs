using System.Globalization;

namespace Newsletter.Admin.Pages;

/// <summary>A run as the admin pages and their progress endpoint show it.</summary>
public sealed record RunView(
    long Id, string Kind, string Status, bool Live, string Created, string? Completed, string? Reason,
    long Recipients, long Sent, long Failed, long Skipped, long Uncertain, long Queued, long Sending, long Done, int Percent,
    bool CanResume, bool CanCancel)
{
    /// <summary>A &lt;progress&gt; needs a maximum above zero: a run with no recipients shows full.</summary>
    public long BarMax => Math.Max(1, Recipients);

    public long BarValue => Recipients == 0 ? 1 : Done;

    public static RunView From(RunProgressRow r)
    {
        var done = r.Sent + r.Failed + r.Skipped + r.Uncertain;
        return new RunView(
            r.Id, r.Kind, r.Status, r.Status is "queued" or "running", AdminText.Time(r.CreatedAt), AdminText.Time(r.CompletedAt), r.PausedReason,
            r.Recipients, r.Sent, r.Failed, r.Skipped, r.Uncertain, r.Queued, r.Sending, done,
            r.Recipients == 0 ? 100 : (int)(done * 100 / r.Recipients),
            r.Status == "paused", r.Status is "queued" or "running" or "paused");
    }
}

/// <summary>How the admin pages write times and counts: UTC, to the minute, the same everywhere.</summary>
public static class AdminText
{
    public static string Time(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string? Time(DateTime? value) => value is { } v ? Time(v) : null;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The generic "are you sure?" page in front of an action.</summary>
public sealed record ConfirmAction(string Nav, string Title, string Question, string? Detail, string Action, string Button, bool Danger, string CancelUrl);
