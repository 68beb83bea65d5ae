using System.Text;
using Hangfire;
using Hangfire.Server;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Subscriptions.Import;

/// <summary>
/// The one job of an import: reads the spooled file record by record (never all of it in memory),
/// writes each batch of rows in one transaction together with the checkpoint and the counts, then
/// sends that batch's confirmation emails at <see cref="ImportOptions.ConfirmationsPerSecond"/>.
/// A lease keeps a second copy of the job (Hangfire may fetch a long job again) from working on the
/// same import; a job that dies is resumed from its checkpoint by <see cref="StalledImportsJob"/> or
/// Hangfire's retry, first sending the confirmations its batch still owed.
/// </summary>
public sealed class SubscriberImportJob(
    SubscriberImportStore imports,
    ImportRowWriter writer,
    SubscriptionEmailJobs emails,
    TopicStore topics,
    ImportUpload upload,
    ImportOptions options,
    TimeProvider clock,
    ILogger<SubscriberImportJob> logger)
{
    public const int Attempts = 3;
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private const int BatchRows = 200;
    private readonly string owner = Guid.NewGuid().ToString("N");
    private DateTime nextSend = DateTime.MinValue;

    [AutomaticRetry(Attempts = Attempts, DelaysInSeconds = [10, 60, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(long importId, PerformContext? context, CancellationToken cancellationToken)
    {
        var now = Now();
        if (!await imports.ClaimAsync(importId, owner, now, now + Lease, cancellationToken))
        {
            return; // finished, failed, or another job holds the lease and is working on it
        }

        try
        {
            await ProcessAsync(importId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await imports.ReleaseAsync(importId, owner);
            throw;
        }
        catch (Exception e)
        {
            var retries = context?.GetJobParameter<int>("RetryCount") ?? Attempts;
            if (retries >= Attempts)
            {
                await imports.FailAsync(importId, $"Gave up after {Attempts + 1} attempts: {e.Message}", Now(), CancellationToken.None);
                logger.LogError(e, "Subscriber import {ImportId} failed for good", importId);
                return;
            }

            await imports.NoteErrorAsync(importId, $"{e.Message} (tried again later)", Now(), CancellationToken.None);
            throw;
        }
    }

    private async Task ProcessAsync(long importId, CancellationToken cancellationToken)
    {
        var import = await imports.GetAsync(importId, cancellationToken) ?? throw new InvalidOperationException($"No import {importId}.");
        await SendOwedConfirmationsAsync(importId, cancellationToken);

        var path = Path.Combine(upload.Folder, import.FileName);
        if (!File.Exists(path))
        {
            await imports.FailAsync(importId, "The uploaded file is no longer in the data directory's imports folder; upload it again.", Now(), cancellationToken);
            return;
        }

        var known = (await topics.ListActiveAsync(cancellationToken)).Select(t => t.Slug).ToHashSet(StringComparer.Ordinal);
        var counts = ImportCounts.From(import);
        using (var text = new StreamReader(path, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: false))
        {
            var reader = new CsvRecordReader(text);
            var (columns, error) = ImportColumns.Parse(ImportUpload.StripBom(await reader.ReadAsync(cancellationToken)));
            if (columns is null)
            {
                await imports.FailAsync(importId, error!, Now(), cancellationToken);
                return;
            }

            // A batch's confirmations are sent before the next batch, within the lease.
            var maxConfirmations = Math.Max(1, (int)(options.ConfirmationsPerSecond * Lease.TotalSeconds / 4));
            var done = false;
            while (!done)
            {
                var (records, end) = await NextBatchAsync(reader, counts.LastLine, maxConfirmations, cancellationToken);
                done = end;
                if (records.Count == 0)
                {
                    continue;
                }

                var written = await WriteBatchAsync(importId, records, columns, known, counts, cancellationToken);
                if (written is not { } batch)
                {
                    logger.LogWarning("Subscriber import {ImportId}: another job took the lease over; this one stops", importId);
                    return;
                }

                counts = batch.Counts;
                await SendConfirmationsAsync(importId, batch.Owed, cancellationToken);
            }
        }

        await imports.CompleteAsync(importId, Now(), cancellationToken);
        // The upload holds addresses: it goes as soon as it is imported.
        File.Delete(path);
        logger.LogInformation(
            "Subscriber import {ImportId} completed: {Rows} rows, {Active} active, {Pending} to confirm, {Existing} existing, {Suppressed} suppressed, {Bad} bad",
            importId, counts.RowsRead, counts.ImportedActive, counts.PendingConfirmation, counts.SkippedExisting, counts.SkippedSuppressed, counts.BadRows);
    }

    /// <summary>
    /// The next records after the checkpoint: up to <see cref="BatchRows"/>, or fewer when the batch
    /// could owe more confirmations than one lease's worth of sending. Records are checked first,
    /// without the database, so the count of possible confirmations is an upper bound.
    /// </summary>
    private static async Task<(List<CsvRecord> Records, bool End)> NextBatchAsync(
        CsvRecordReader reader, long checkpoint, int maxConfirmations, CancellationToken cancellationToken)
    {
        var records = new List<CsvRecord>();
        while (records.Count < Math.Min(BatchRows, maxConfirmations))
        {
            var record = await reader.ReadAsync(cancellationToken);
            if (record is null)
            {
                return (records, true);
            }

            if (record.Line > checkpoint)
            {
                records.Add(record);
            }
        }

        return (records, false);
    }

    /// <returns>The confirmations the batch owes and the counts after it, or null when the lease was lost (nothing written).</returns>
    private async Task<(List<(long RequestId, long SubscriberId)> Owed, ImportCounts Counts)?> WriteBatchAsync(
        long importId, List<CsvRecord> records, ImportColumns columns, IReadOnlySet<string> known, ImportCounts counts, CancellationToken cancellationToken)
    {
        var now = Now();
        var owed = new List<(long, long)>();
        var next = counts with { };
        await using var connection = await imports.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var record in records)
        {
            next.RowsRead++;
            next.LastLine = record.Line;
            var (row, error) = ImportRowParser.Parse(record, columns, known, now);
            if (row is null)
            {
                if (next.BadRows++ < options.MaxBadRowsListed)
                {
                    await imports.RecordBadRowAsync(tx, importId, record.Line, error!);
                }

                continue;
            }

            var (outcome, requestId, subscriberId) = await writer.WriteAsync(tx, importId, row, now);
            switch (outcome)
            {
                case RowOutcome.ImportedActive: next.ImportedActive++; break;
                case RowOutcome.SkippedExisting: next.SkippedExisting++; break;
                case RowOutcome.SkippedSuppressed: next.SkippedSuppressed++; break;
                case RowOutcome.PendingConfirmation:
                    next.PendingConfirmation++;
                    owed.Add((requestId!.Value, subscriberId));
                    break;
            }
        }

        if (!await imports.SaveProgressAsync(tx, importId, owner, next, now, now + Lease))
        {
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        await tx.CommitAsync(cancellationToken);
        return (owed, next);
    }

    private async Task SendOwedConfirmationsAsync(long importId, CancellationToken cancellationToken) =>
        await SendConfirmationsAsync(importId, await imports.UnmailedAsync(importId, cancellationToken), cancellationToken);

    /// <summary>Through the lifecycle's own confirmation job (same email, same bounce handling), paced.</summary>
    private async Task SendConfirmationsAsync(long importId, IEnumerable<(long RequestId, long SubscriberId)> owed, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / options.ConfirmationsPerSecond);
        foreach (var (requestId, subscriberId) in owed)
        {
            var now = Now();
            if (nextSend > now)
            {
                await Task.Delay(nextSend - now, clock, cancellationToken);
            }

            nextSend = (nextSend > now ? nextSend : now) + interval;
            await emails.SendConfirmationAsync(subscriberId, requestId, cancellationToken);
            await imports.CountConfirmationAsync(importId, Now(), cancellationToken);
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
