using System.Diagnostics.Metrics;

namespace Newsletter.Operations;

/// <summary>
/// The service's own instruments, exported at <c>/metrics</c> with the prefix <c>newsletter_</c>.
/// Static, so the places that record outcomes (the delivery ledger, the bounce processor, the
/// subscription service) need no extra dependency; the meter is process-wide, as a Prometheus
/// scrape of one process expects.
/// </summary>
public static class NewsletterMetrics
{
    public const string MeterName = "Newsletter";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("newsletter.messages.sent", "{message}", "Digest messages the relay accepted.");

    public static readonly Counter<long> MessagesFailed =
        Meter.CreateCounter<long>("newsletter.messages.failed", "{message}", "Digest messages given up on (refused for good or out of attempts).");

    public static readonly Counter<long> MessagesBounced =
        Meter.CreateCounter<long>("newsletter.messages.bounced", "{message}", "Hard bounces: from the relay's reply, a delivery report or a provider webhook.");

    public static readonly Counter<long> MessagesUncertain =
        Meter.CreateCounter<long>("newsletter.messages.uncertain", "{message}", "Messages wholly sent whose reply never came: maybe delivered, never re-sent.");

    public static readonly Counter<long> SubscribeRequests =
        Meter.CreateCounter<long>("newsletter.subscribe.requests", "{request}", "Valid subscription requests from the form and the API.");

    public static readonly Histogram<double> RunDuration =
        Meter.CreateHistogram<double>("newsletter.digest_run.duration", "s", "From a digest run's creation to its completion.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 43200] });

    // The latest app's source of queue depths: one instrument for the process, whatever restarts the host (tests do).
    private static volatile Func<IEnumerable<Measurement<long>>> queueDepth = () => [];

    private static readonly ObservableGauge<long> JobsEnqueued =
        Meter.CreateObservableGauge("newsletter.jobs.enqueued", () => queueDepth(), "{job}", "Hangfire jobs waiting in each queue (storage shared by every process).");

    /// <summary>Observed at each scrape: how many Hangfire jobs wait in each queue (<see cref="JobQueueDepth"/>).</summary>
    internal static void ObserveQueueDepth(Func<IEnumerable<Measurement<long>>> observe) => queueDepth = observe;
}
