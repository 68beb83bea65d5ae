using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Newsletter.Delivery;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Bench;

/// <summary>
/// <c>bench matching [--subscribers N] [--entries M] [--items K] [--history H] [--per-subscriber]</c>: N subscribers with
/// K interest items each, against M new entries (and H older ones indexed only for where entries stand and for feedback), with 384-dimensional vectors unpacked from the stored half-float
/// format. Three timings in one run, on every core (the first two taking turns over tenths of the
/// subscribers, so that a shared machine's load weighs on both alike):
/// <list type="bullet">
/// <item>the digest's own selection, 50 subscribers a chunk as delivery plans them (calibrated scores from BM25, similarity and standing, pseudo-relevance feedback, picks); with <c>--per-subscriber</c>, also one subscriber at a time;</item>
/// <item>the embedding similarity alone, through the blocked kernel, a block of subscribers at a time;</item>
/// <item>the arithmetic floor: the same number of multiply-adds in a tight loop on registers only.</item>
/// </list>
/// The vectors are random (the model would take an hour for 100,000 subscribers); the arithmetic
/// does not depend on their values.
/// </summary>
public static class MatchingBench
{
    private const int Dimensions = 384;

    /// <summary>Subscribers planned together, as <see cref="DeliveryOptions.ChunkSize"/> has it by default.</summary>
    private const int Chunk = 50;

    /// <summary>The selection and the kernel alternate over this many slices of the subscribers.</summary>
    private const int Slices = 10;

    public static int Run(string[] args)
    {
        var subscriberCount = Int(args, "--subscribers", 100_000);
        var entryCount = Int(args, "--entries", 1_000);
        var itemsEach = Int(args, "--items", 2);
        var history = Math.Max(0, Int(args, "--history", 0, allowZero: true));
        var threads = Environment.ProcessorCount;
        var random = new Random(11);
        var vocabulary = Vocabulary(random, 4_000);

        var setup = Stopwatch.StartNew();
        // Newest first, as a window lists them: the new entries, then the older ones that only feed the
        // statistics of where entries stand (production indexes 30 days).
        var entries = Enumerable.Range(0, entryCount + history).Select(i => new MatchableEntry(i, Text(random, vocabulary, 8), Text(random, vocabulary, 120))
        {
            Vector = VectorBlob.Unpack(VectorBlob.Pack(RandomUnit(random))),
        }).ToList();
        var subscribers = Enumerable.Range(0, subscriberCount).Select(s => (IReadOnlyList<InterestItem>)Enumerable.Range(0, itemsEach).Select(i =>
        {
            // Half the items lean towards one entry, so some entries clear the threshold as in real use.
            var vector = RandomUnit(random);
            if (random.Next(2) == 0)
            {
                var near = entries[random.Next(entryCount)].Vector!;
                vector = Normalise(vector.Zip(near, (a, b) => (0.6f * a) + b).ToArray());
            }

            // Every item its own embedding text: the corpus caches an item's scores by its texts (the
            // service derives the vector from them), and two random vectors under one text would make
            // the picks depend on which thread cached it first.
            var query = Text(random, vocabulary, 3);
            return new InterestItem(query, query) { EmbeddingText = $"{query} ({s}.{i})", Vector = VectorBlob.Unpack(VectorBlob.Pack(vector)) };
        }).ToList()).ToList();
        var candidates = entries.Select(e => new CandidateEntry { Id = e.Id, Title = e.Title, Abstract = e.Abstract, Vector = e.Vector }).ToList();
        var allowed = candidates.Take(entryCount).Select(c => c.Id).ToHashSet();
        var multiplyAdds = (double)subscriberCount * itemsEach * entryCount * Dimensions;
        Console.WriteLine($"bench matching: {subscriberCount:N0} subscribers x {itemsEach} items x {entryCount:N0} new entries x {Dimensions} dims = {multiplyAdds:N0} multiply-adds, {threads} threads (setup {setup.Elapsed.TotalSeconds:N1} s)");
        if (history > 0)
        {
            Console.WriteLine($"  plus {history:N0} older entries indexed for where entries stand (sampled: at most 2,000 scored per interest)");
        }

        // The Matching:* and Digest:* settings apply as in the service (--Matching:PseudoRelevanceEntries 0, ...).
        if (VerbMatching.FromArguments(args) is not { } configured)
        {
            return 2;
        }

        var matcher = new HybridMatcher(configured.Options);
        var digest = new DigestOptions { TrendingSlot = false, Threshold = configured.Threshold };
        var timer = Stopwatch.StartNew();
        var corpus = matcher.Index(entries);
        var indexSeconds = timer.Elapsed.TotalSeconds;

        // The selection and the kernel take turns, a tenth of the subscribers at a time: on a shared
        // machine both then run under the same load, and their ratio means something.
        var kernelMatrix = Matrix(entries.Take(entryCount).ToList());
        double selectionSeconds = 0, kernelSeconds = 0, kernelChecksum = 0;
        long picks = 0, fingerprint = 0;
        for (var slice = 0; slice < Slices; slice++)
        {
            var (from, to) = ((int)((long)slice * subscriberCount / Slices), (int)((long)(slice + 1) * subscriberCount / Slices));
            timer.Restart();
            var (slicePicks, sliceFingerprint) = SelectInChunks(subscribers, from, to, candidates, allowed, corpus, digest, entryCount, threads);
            selectionSeconds += timer.Elapsed.TotalSeconds;
            (picks, fingerprint) = (picks + slicePicks, unchecked(fingerprint + sliceFingerprint));

            timer.Restart();
            kernelChecksum += KernelOnly(subscribers, from, to, kernelMatrix, entryCount, itemsEach, threads);
            kernelSeconds += timer.Elapsed.TotalSeconds;
        }

        // The delivery path before it planned chunks together, for comparison (--per-subscriber).
        var perSubscriber = args.Contains("--per-subscriber") ? SelectOneByOne(subscribers, candidates, allowed, corpus, digest, entryCount, threads) : default;

        timer.Restart();
        var floorChecksum = Floor(multiplyAdds, threads);
        var floorSeconds = timer.Elapsed.TotalSeconds;

        Console.WriteLine($"index entries (BM25, vector matrix)   {indexSeconds,8:N3} s");
        Console.WriteLine($"digest selection, chunks of {Chunk}       {selectionSeconds,8:N3} s = {subscriberCount / selectionSeconds,10:N0} subscribers/s   ({picks / (double)subscriberCount:N1} picks each, fingerprint {fingerprint:x16})");
        if (perSubscriber.Seconds > 0)
        {
            Console.WriteLine($"digest selection, one at a time       {perSubscriber.Seconds,8:N3} s = {subscriberCount / perSubscriber.Seconds,10:N0} subscribers/s   ({perSubscriber.Picks / (double)subscriberCount:N1} picks each, fingerprint {perSubscriber.Fingerprint:x16})");
        }

        Console.WriteLine($"similarity alone, blocked kernel      {kernelSeconds,8:N3} s = {multiplyAdds / kernelSeconds / 1e9,10:N1} G multiply-adds/s");
        Console.WriteLine($"arithmetic floor, registers only      {floorSeconds,8:N3} s = {multiplyAdds / floorSeconds / 1e9,10:N1} G multiply-adds/s");
        Console.WriteLine($"ratio to floor                        kernel {floorSeconds / kernelSeconds:N2}, selection {floorSeconds / selectionSeconds:N2}");
        Console.WriteLine($"peak memory                           {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,8:N0} MB   (checksums {kernelChecksum:E2} {floorChecksum:E2})");
        return 0;
    }

    /// <summary>Subscribers' digests a chunk at a time, as the delivery path plans them (<see cref="DeliveryOptions.ChunkSize"/>), chunks spread over the threads.</summary>
    private static (long Picks, long Fingerprint) SelectInChunks(
        List<IReadOnlyList<InterestItem>> subscribers, int from, int to, List<CandidateEntry> candidates, HashSet<long> allowed, IMatchingCorpus corpus, DigestOptions digest, int entryCount, int threads)
    {
        long picks = 0;
        long fingerprint = 0;
        Parallel.For(0, (to - from + Chunk - 1) / Chunk, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => (Picks: 0L, Fingerprint: 0L),
            (block, _, local) =>
            {
                var first = from + (block * Chunk);
                var requests = subscribers.Skip(first).Take(Math.Min(Chunk, to - first)).Select(items => new SelectionRequest(allowed, items, ScoreLimit: entryCount)).ToList();
                var chosen = DigestSelector.SelectMany(candidates, requests, corpus, digest);
                for (var k = 0; k < chosen.Count; k++)
                {
                    local = (local.Picks + chosen[k].Count, unchecked(local.Fingerprint + Fingerprint(first + k, chosen[k])));
                }

                return local;
            },
            local =>
            {
                Interlocked.Add(ref picks, local.Picks);
                Interlocked.Add(ref fingerprint, local.Fingerprint);
            });
        return (picks, fingerprint);
    }

    private static (double Seconds, long Picks, long Fingerprint) SelectOneByOne(
        List<IReadOnlyList<InterestItem>> subscribers, List<CandidateEntry> candidates, HashSet<long> allowed, IMatchingCorpus corpus, DigestOptions digest, int entryCount, int threads)
    {
        var timer = Stopwatch.StartNew();
        long picks = 0;
        long fingerprint = 0;
        Parallel.For(0, subscribers.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => (Picks: 0L, Fingerprint: 0L),
            (s, _, local) =>
            {
                var chosen = DigestSelector.Select(candidates, allowed, subscribers[s], corpus, digest, scoreLimit: entryCount);
                return (local.Picks + chosen.Count, unchecked(local.Fingerprint + Fingerprint(s, chosen)));
            },
            local =>
            {
                Interlocked.Add(ref picks, local.Picks);
                Interlocked.Add(ref fingerprint, local.Fingerprint);
            });
        return (timer.Elapsed.TotalSeconds, picks, fingerprint);
    }

    /// <summary>
    /// A summary of one subscriber's picks (entries, scores, reasons, order) that any change to the
    /// selection's results changes: summed over subscribers, so the threads' order does not matter.
    /// Deterministic across runs, unlike <see cref="HashCode"/>.
    /// </summary>
    private static long Fingerprint(int subscriber, IReadOnlyList<DigestPick> picks)
    {
        const long Prime = 1_099_511_628_211;
        var hash = unchecked(subscriber * Prime);
        foreach (var pick in picks)
        {
            hash = unchecked((hash * Prime) + pick.EntryId);
            hash = unchecked((hash * Prime) + (long)Math.Round(pick.Score * 10_000));
            foreach (var c in pick.Reason)
            {
                hash = unchecked((hash * Prime) + c);
            }
        }

        return hash;
    }

    /// <summary>The subscribers' (from <paramref name="from"/> to <paramref name="to"/>) item vectors against every entry, 32 subscribers a block, keeping each subscriber's best score per entry.</summary>
    private static double KernelOnly(List<IReadOnlyList<InterestItem>> subscribers, int from, int to, float[] matrix, int entryCount, int itemsEach, int threads)
    {
        const int Block = 32;
        var total = 0.0;
        var sync = new object();
        Parallel.For(0, (to - from + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => (Queries: new float[Block * itemsEach * Dimensions], Scores: new float[Block * itemsEach * entryCount], Sum: 0.0),
            (block, _, local) =>
            {
                var rows = 0;
                for (var s = from + (block * Block); s < Math.Min(to, from + ((block + 1) * Block)); s++)
                {
                    foreach (var item in subscribers[s])
                    {
                        item.Vector.AsSpan().CopyTo(local.Queries.AsSpan(rows++ * Dimensions));
                    }
                }

                SimilarityKernel.Score(local.Queries.AsSpan(0, rows * Dimensions), matrix, Dimensions, local.Scores);
                var best = 0f;
                for (var i = 0; i < rows * entryCount; i++)
                {
                    best = Math.Max(best, local.Scores[i]);
                }

                local.Sum += best;
                return local;
            },
            local => { lock (sync) { total += local.Sum; } });
        return total;
    }

    private static float[] Matrix(List<MatchableEntry> entries)
    {
        var matrix = new float[entries.Count * Dimensions];
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Vector.AsSpan().CopyTo(matrix.AsSpan(i * Dimensions));
        }

        return matrix;
    }

    /// <summary>The multiply-adds alone: eight independent accumulators (enough to cover the FMA latency), no memory traffic.</summary>
    private static double Floor(double multiplyAdds, int threads)
    {
        var lanes = Vector256<float>.Count;
        var iterations = (long)(multiplyAdds / threads / (lanes * 8));
        var sums = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = FloorLoop(iterations));
        return sums.Sum();
    }

    /// <summary>Fully optimised from the first call, like the kernel it is compared with.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double FloorLoop(long iterations)
    {
        {
            var x = Vector256.Create(0.999f);
            var y = Vector256.Create(1e-7f);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Fma.MultiplyAdd(a0, x, y);
                a1 = Fma.MultiplyAdd(a1, x, y);
                a2 = Fma.MultiplyAdd(a2, x, y);
                a3 = Fma.MultiplyAdd(a3, x, y);
                a4 = Fma.MultiplyAdd(a4, x, y);
                a5 = Fma.MultiplyAdd(a5, x, y);
                a6 = Fma.MultiplyAdd(a6, x, y);
                a7 = Fma.MultiplyAdd(a7, x, y);
            }

            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        }
    }

    private static float[] RandomUnit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            // Box–Muller: a normal in every dimension gives a direction uniform on the sphere.
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return Normalise(v);
    }

    private static float[] Normalise(float[] v)
    {
        var norm = MathF.Sqrt(VectorMath.Dot(v, v));
        return v.Select(x => x / norm).ToArray();
    }

    private static string[] Vocabulary(Random random, int size)
    {
        string[] syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "dra", "gen", "tor", "lin", "quo", "ber", "fal"];
        return Enumerable.Range(0, size).Select(i => string.Concat(Enumerable.Range(0, 2 + (i % 3)).Select(_ => syllables[random.Next(syllables.Length)])) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Words drawn with a Zipf-like skew, as in real text: a few common, most rare.</summary>
    private static string Text(Random random, string[] vocabulary, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))]));

    private static int Int(string[] args, string name, int fallback, bool allowZero = false)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && (value > 0 || (allowZero && value == 0)) ? value : fallback;
    }
}
