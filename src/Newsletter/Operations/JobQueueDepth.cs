using System.Diagnostics.Metrics;
using Hangfire;

namespace Newsletter.Operations;

/// <summary>
/// Queue depth for the <c>newsletter_jobs_enqueued</c> gauge, read from Hangfire's monitoring API at
/// scrape time. A storage that cannot be read answers nothing rather than failing the scrape.
/// </summary>
internal static class JobQueueDepth
{
    public static IEnumerable<Measurement<long>> Read(JobStorage storage)
    {
        List<Measurement<long>> depths = [];
        try
        {
            foreach (var queue in storage.GetMonitoringApi().Queues())
            {
                depths.Add(new Measurement<long>(queue.Length, new KeyValuePair<string, object?>("queue", queue.Name)));
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // Database down: /health/ready says so; the gauge just has no sample this time.
        }

        return depths;
    }
}
