using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Cli;

/// <summary>
/// <c>dotnet run --project src/Newsletter -- &lt;verb&gt; [options]</c>. <c>serve</c> is the default;
/// options after the verb are ordinary configuration (<c>--Smtp:Host relay.example.org</c>).
/// </summary>
public static class Verbs
{
    /// <summary>False (with a message on standard error) when the file is missing; says where a relative path was looked for.</summary>
    public static async Task<bool> FileExistsAsync(string path)
    {
        if (File.Exists(path))
        {
            return true;
        }

        // `dotnet run --project` starts the program in the project's folder, not the shell's.
        var hint = Path.IsPathRooted(path) ? "" : $" (looked in {Environment.CurrentDirectory}; give an absolute path, e.g. \"$PWD/{path}\")";
        await Console.Error.WriteLineAsync($"{path}: no such file{hint}.");
        return false;
    }

    private const string Usage = """
        Usage: Newsletter [verb] [options]

        Verbs:
          serve         Run the web service, the API and the background jobs (the default).
                        --Jobs:Server false serves the web only, for a setup with workers.
          worker        Run the background jobs only (digest runs, emails, feeds), with
                        /health/live and /health/ready on http://localhost:5001 unless --urls
                        says otherwise. Any number of workers and web processes may share one
                        PostgreSQL database (Database:Provider=Postgres).
          import FILE   Load entries from a .jsonl or .json file (our entry format, or the
                        Hugging Face daily-papers JSON). A file that is not valid JSON imports
                        nothing and says on which line it broke; invalid entries are listed.
          import --sample
                        Load the sample entries that ship with the service (103 invented papers
                        across the default topics, dated over the last ten days). Running it
                        again adds nothing.
          match --entries FILE.jsonl --interests FILE.txt [--top N] [--format json|table]
                        Rank the entries for each interest line as the digest would; one JSON
                        line per interest: {"interest", "results": [{"id", "title", "score",
                        "why", "wouldSend"}]}, or a table for people.
          eval [--entries FILE.jsonl --labels FILE.json] [--calibrate]
                        Measure matching on labelled sets (the built-in tuning and held-out
                        interests and the field set, or your own files): nDCG@10 of the ranking
                        and of the sent list, precision, recall and F1 of the sent set, per
                        matcher and kind of interest. --calibrate fits the scoring models and
                        the threshold on the tuning interests and prints them as settings.
          bench [--subscribers N] [--entries M] [--connections C] [--relay-rate R]
                        A real digest run to an SMTP sink on loopback, next to bare MailKit
                        sending the same messages to the same sink; prints both rates, the ratio,
                        the CPU per digest and the projected time for 1,000,000 subscribers (capped
                        at the relay's rate R). Honours Database:Provider: on PostgreSQL it works in
                        a scratch database it creates and drops.
          bench matching [--subscribers N] [--entries M] [--items K]
                        Digest selection for N subscribers (K interests each) over M new entries,
                        the similarity kernel alone, and the arithmetic floor (the same multiply-adds
                        in a tight loop), side by side, with the peak memory.
          dkim-key --domain D --selector S [--algorithm rsa|ed25519] [--force]
                        Write a new DKIM private key (RSA 2048 unless ed25519) to
                        dkim/S._domainkey.D.pem in the data directory (mode 0600; an existing
                        file is kept unless --force), and print the DNS TXT record to publish
                        and the Dkim settings that use the key.
          healthcheck [URL]
                        Exit 0 when the service on this machine answers /health/live (for a
                        container's HEALTHCHECK); the URL defaults to the first of ASPNETCORE_URLS.
          --help        Show this text.

        Options are configuration keys, e.g. --urls http://0.0.0.0:8080 --Smtp:Host relay.example.org.
        See README.md for every key.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        try
        {
            switch (verb)
            {
                case "serve":
                    return await ServiceStart.RunAsync(rest, ProcessRole.Serve);
                case "worker":
                    return await ServiceStart.RunAsync(rest, ProcessRole.Worker);
                case "import":
                    return await Entries.ImportVerb.RunAsync(rest);
                case "match":
                    return await Matching.MatchVerb.RunAsync(rest);
                case "eval":
                    return await Matching.Evaluation.EvalVerb.RunAsync(rest);
                case "bench":
                    return await Bench.BenchVerb.RunAsync(rest);
                case "healthcheck":
                    return await HealthcheckVerb.RunAsync(rest);
                case "dkim-key":
                    return await Email.Dkim.DkimKeyVerb.RunAsync(rest);
                default:
                    await Console.Error.WriteLineAsync($"Unknown verb '{verb}'.\n\n{Usage}");
                    return 2;
            }
        }
        catch (Exception e) when (e is ConfigurationException or OptionsValidationException)
        {
            // One bad key, one line; several, one line each under the heading.
            var lines = e.Message.Split('\n', StringSplitOptions.TrimEntries);
            await Console.Error.WriteLineAsync(lines is ["Invalid configuration:", var only] ? $"Configuration error: {only}" : $"Configuration error. {e.Message}");
            return 2;
        }
    }
}
