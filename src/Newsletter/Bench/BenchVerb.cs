using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Email;
using Newsletter.Entries;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Bench;

/// <summary>
/// <c>bench [--subscribers N] [--entries M] [--connections C]</c>: a real forced digest run (select,
/// render, send, ledger) for N generated subscribers over M generated entries, to an SMTP sink on
/// loopback; then, in the same process and against the same sink, bare MailKit pushing the same
/// number of pre-built messages of the same size over the same number of connections. Prints both
/// rates, their ratio and the peak memory. Speed is a ratio measured side by side, never an absolute.
/// </summary>
public static class BenchVerb
{
    /// <summary>
    /// Readers per warm-up run: enough chunks (of 50) that what runs once a chunk is called often
    /// enough for the runtime to compile it optimised, as in a service that has sent for a while.
    /// </summary>
    private const int WarmupReaders = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "matching")
        {
            return MatchingBench.Run(args);
        }

        var subscribers = Int(args, "--subscribers", 2000);
        var entries = Int(args, "--entries", 200);
        var connections = Int(args, "--connections", 4);
        var rounds = Int(args, "--rounds", 3);
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-bench", Guid.NewGuid().ToString("N"));
        await using var database = await BenchDatabase.CreateAsync(args, folder);
        await using var sink = new LoopbackSmtpSink();
        string[] settings =
        [
            .. database.Arguments,
            "--urls", "http://127.0.0.1:0", "--Newsletter:DataDirectory", folder,
            "--Smtp:Host", "127.0.0.1", "--Smtp:Port", sink.Port.ToString(CultureInfo.InvariantCulture), "--Smtp:Security", "None",
            "--Smtp:From", "Bench <bench@bench.test>", "--Admin:ApiKey", Guid.NewGuid().ToString("N"),
            "--Delivery:Connections", connections.ToString(CultureInfo.InvariantCulture),
            "--Hangfire:WorkerCount", (connections * 2).ToString(CultureInfo.InvariantCulture),
            "--Hangfire:QueuePollInterval", "00:00:00.100", "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning",
        ];

        try
        {
            await using var app = await Program.BuildAppAsync(settings);
            await app.StartAsync();
            Console.WriteLine($"bench: {subscribers:N0} subscribers, {entries:N0} entries, {connections} SMTP connections, sink on 127.0.0.1:{sink.Port}, {database.Description}");
            await SeedEntriesAsync(app.Services, entries);

            var warmupRounds = await WarmUpAsync(app.Services, Math.Min(WarmupReaders, subscribers));
            var results = new List<RoundResult>();
            for (var round = 1; round <= rounds; round++)
            {
                var result = await RoundAsync(app.Services, round, subscribers, connections);
                results.Add(result);
                Console.WriteLine($"round {round}: ratio {result.Ratio:N2}: {result.DigestRate,6:N0} digests/s ({result.DigestCoreMs:N2} core-ms, {result.DigestGc}), bare MailKit {result.BareRate,6:N0} /s ({result.BareCoreMs:N2} core-ms, {result.BareGc}); the JIT compiled {result.Compiled:N0} methods during the run");
            }

            await app.StopAsync();

            // The median round: the machine's speed drifts from second to second, so one pair can land on a slow patch for either side.
            var median = results.OrderBy(r => r.Ratio).ElementAt(results.Count / 2);
            Console.WriteLine($"end-to-end digests    {median.Sent,8:N0} in {median.DigestSeconds,6:N2} s = {median.DigestRate,8:N0} /s   (choose, render, send, record)   {median.DigestCoreMs,5:N2} core-ms each");
            Console.WriteLine($"bare MailKit          {median.Sent,8:N0} in {median.BareSeconds,6:N2} s = {median.BareRate,8:N0} /s   (pre-built, ~{median.MessageBytes / 1024.0:N1} KB each)   {median.BareCoreMs,5:N2} core-ms each");
            Console.WriteLine($"ratio                 {median.Ratio,8:N2} of bare MailKit   (median of {results.Count} rounds: {string.Join(", ", results.Select(r => r.Ratio.ToString("N2", CultureInfo.InvariantCulture)))})");
            Console.WriteLine($"warm-up               {warmupRounds,8} untimed runs of {Math.Min(WarmupReaders, subscribers):N0} readers first");
            Console.WriteLine($"peak memory           {Environment.WorkingSet / 1048576.0,8:N0} MB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MB peak");
            var digestRate = median.DigestRate;
            ScaleProjection.Print(digestRate, Environment.ProcessorCount, database.IsPostgres, RelayCap(args));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Entries about the default topics, with their vectors.</summary>
    private static async Task SeedEntriesAsync(IServiceProvider services, int entryCount)
    {
        var random = new Random(7);
        var topics = DefaultTopics.Load();
        var entries = Enumerable.Range(0, entryCount).Select(i =>
        {
            var topic = topics[i % topics.Count];
            var words = string.Join(' ', Enumerable.Range(0, 120).Select(_ => topic.Keywords[random.Next(topic.Keywords.Count)]));
            var json = JsonSerializer.Serialize(new { id = $"bench-{i}", title = $"{topic.Name}: study {i}", @abstract = $"{topic.Description} {words}", upvotes = random.Next(100) });
            return (i, JsonDocument.Parse(json).RootElement);
        }).ToList();
        await services.GetRequiredService<EntryIngestion>().IngestAsync(entries, "bench", CancellationToken.None);
    }

    /// <summary>Generated subscribers, confirmed, with a topic and an interest each (and their vectors, so the timed run measures delivery, not the model).</summary>
    private static async Task<List<long>> SeedSubscribersAsync(IServiceProvider services, string prefix, int count)
    {
        var random = new Random(prefix.Length);
        var topics = DefaultTopics.Load();
        var store = services.GetRequiredService<SubscriberStore>();
        var now = DateTime.UtcNow;
        var ids = new List<long>(count);
        await using (var connection = await store.OpenAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < count; i++)
            {
                var subscriber = await store.FindOrCreatePendingAsync(tx, $"{prefix}{i}@bench.test", now);
                await store.ActivateAsync(tx, subscriber.Id, "daily", now);
                var topic = topics[random.Next(topics.Count)];
                await store.ReplaceInterestsAsync(tx, subscriber.Id, [topic.Slug], [topics[random.Next(topics.Count)].Keywords[0]]);
                ids.Add(subscriber.Id);
            }

            await tx.CommitAsync();
        }

        await services.GetRequiredService<PlanningWarmup>().RunAsync(CancellationToken.None);
        return ids;
    }

    /// <summary>
    /// One measured pair, side by side: a forced run for <paramref name="subscribers"/> new readers, then
    /// bare MailKit sending as many copies of its digests over as many connections. The round's readers
    /// then sit out the rounds after it.
    /// </summary>
    private static async Task<RoundResult> RoundAsync(IServiceProvider services, int round, int subscribers, int connections)
    {
        var readers = await SeedSubscribersAsync(services, $"reader{round}-", subscribers);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var pauses = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes();
        var compiled = JitInfo.GetCompiledMethodCount();
        var (sent, digestSeconds, runId) = await DigestRunAsync(services);
        process.Refresh();
        var digestCpu = (process.TotalProcessorTime - cpu).TotalSeconds;
        var pauseShare = (GC.GetTotalPauseDuration() - pauses).TotalSeconds / digestSeconds;
        var digestKb = (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / sent;
        compiled = JitInfo.GetCompiledMethodCount() - compiled;

        var samples = await SamplesAsync(services, runId);
        cpu = process.TotalProcessorTime;
        pauses = GC.GetTotalPauseDuration();
        allocated = GC.GetTotalAllocatedBytes();
        var bareSeconds = await BareMailKitAsync(services, samples, sent, connections);
        process.Refresh();
        var bareCpu = (process.TotalProcessorTime - cpu).TotalSeconds;
        var barePauseShare = (GC.GetTotalPauseDuration() - pauses).TotalSeconds / bareSeconds;
        var bareKb = (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / sent;
        await PauseAsync(services, readers);
        return new RoundResult(sent, digestSeconds, digestCpu * 1000 / sent, bareSeconds, bareCpu * 1000 / sent, (long)samples.Average(Size), compiled)
        {
            DigestGc = new(pauseShare, digestKb),
            BareGc = new(barePauseShare, bareKb),
        };
    }

    private sealed record RoundResult(long Sent, double DigestSeconds, double DigestCoreMs, double BareSeconds, double BareCoreMs, long MessageBytes, long Compiled)
    {
        public required GcCost DigestGc { get; init; }

        public required GcCost BareGc { get; init; }

        public double DigestRate => Sent / DigestSeconds;

        public double BareRate => Sent / BareSeconds;

        public double Ratio => DigestRate / BareRate;
    }

    /// <summary>What a side allocated per message, and the share of its time every thread stood still for the collector.</summary>
    private sealed record GcCost(double PauseShare, double KilobytesEach)
    {
        public override string ToString() => $"{KilobytesEach:N0} KB allocated each, {PauseShare:P0} of the time in GC pauses";
    }

    /// <summary>
    /// Small untimed runs first, so both sides are measured with their code compiled and warm, as in a
    /// service that has been up for a while (the baseline runs after the digests and would otherwise be
    /// the only warm one). The runtime compiles a method again, optimised, only after it has run a
    /// while, so one short run leaves the JIT busy through the timed one: runs repeat, each with new
    /// readers, until one compiles few methods. Each round's readers sit out the timed run.
    /// </summary>
    /// <returns>How many runs it took.</returns>
    private static async Task<int> WarmUpAsync(IServiceProvider services, int readers)
    {
        const int MaxRounds = 8, Settled = 100;
        for (var round = 1; ; round++)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            var ids = await SeedSubscribersAsync(services, $"warmup{round}-", readers);
            await DigestRunAsync(services);
            await PauseAsync(services, ids);
            // Tier-1 compiles run in the background shortly after a method turns hot: let them land.
            await Task.Delay(500);
            if (round == MaxRounds || JitInfo.GetCompiledMethodCount() - compiled < Settled)
            {
                return round;
            }
        }
    }

    /// <summary>The warm-up's readers sit out the timed run.</summary>
    private static async Task PauseAsync(IServiceProvider services, IEnumerable<long> ids)
    {
        var store = services.GetRequiredService<SubscriberStore>();
        await using var connection = await store.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var id in ids)
        {
            await store.UpdatePreferencesAsync(tx, id, new Preferences([], [], "daily", 8, "UTC", Paused: true), DateTime.UtcNow);
        }

        await tx.CommitAsync();
    }

    private static async Task<(long Sent, double Seconds, long RunId)> DigestRunAsync(IServiceProvider services)
    {
        var clock = Stopwatch.StartNew();
        long runId;
        using (var scope = services.CreateScope())
        {
            runId = await scope.ServiceProvider.GetRequiredService<DigestRuns>().StartForcedAsync(CancellationToken.None);
        }

        var runs = services.GetRequiredService<DigestRunStore>();
        // Polls the status alone: the full progress counts every delivery of the run, work the
        // database would do for the bench, not for the delivery it measures.
        while (await runs.StatusAsync(runId) is "queued" or "running")
        {
            await Task.Delay(50);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var run = (await runs.GetAsync(runId))!;
        if (run.Status != "completed" || run.Sent == 0)
        {
            throw new InvalidOperationException($"The bench run ended {run.Status} with {run.Sent} sent, {run.Failed} failed: {run.PausedReason}");
        }

        return (run.Sent, seconds, runId);
    }

    /// <summary>Real digests of the run, rendered again, as the baseline's messages.</summary>
    private static async Task<List<MimeMessage>> SamplesAsync(IServiceProvider services, long runId)
    {
        var samples = new List<MimeMessage>();
        var store = services.GetRequiredService<DeliveryStore>();
        var composer = services.GetRequiredService<DigestComposer>();
        var subscribers = services.GetRequiredService<SubscriberStore>();
        await using var connection = await store.OpenAsync();
        foreach (var (deliveryId, subscriberId) in await store.SentSampleAsync(connection, runId, 50))
        {
            if (await subscribers.GetAsync(connection, subscriberId) is { } subscriber)
            {
                samples.Add(await composer.ComposeAsync(subscriber, (await store.EntriesOfAsync(connection, [deliveryId]))[deliveryId].ToList(), deliveryId: deliveryId));
            }
        }

        return samples;
    }

    /// <summary>The relay's rate for the projections: --relay-rate, else Delivery:MessagesPerSecond, else none.</summary>
    private static double RelayCap(string[] args)
    {
        var at = Array.IndexOf(args, "--relay-rate");
        if (at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var rate) && rate > 0)
        {
            return rate;
        }

        return new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build().GetValue<double>("Delivery:MessagesPerSecond");
    }

    /// <summary>The floor: MailKit sending pre-built messages, one connection per worker, nothing else.</summary>
    private static async Task<double> BareMailKitAsync(IServiceProvider services, List<MimeMessage> samples, long count, int connections)
    {
        var smtp = services.GetRequiredService<MailKitEmailSender>();
        var next = -1L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using SmtpClient client = await smtp.ConnectAsync(CancellationToken.None);
            long i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await client.SendAsync(samples[(int)(i % samples.Count)]);
            }

            await client.DisconnectAsync(true);
        }));
        return clock.Elapsed.TotalSeconds;
    }

    private static long Size(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.Length;
    }

    private static int Int(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0 ? value : fallback;
    }
}
