using Newsletter.Configuration;

namespace Newsletter.Subscriptions.Import;

/// <summary>Settings of <c>POST /api/subscribers/import</c> (section <c>Import</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest upload accepted, in bytes; a larger one is refused with 413 and nothing imported.</summary>
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Confirmation emails an import sends per second, across the whole import: a list of thousands
    /// of unconfirmed addresses must not arrive at the relay (or at one receiving domain) as a burst.
    /// </summary>
    public double ConfirmationsPerSecond { get; set; } = 5;

    /// <summary>Bad rows kept by line for the progress endpoint; the count goes on past it.</summary>
    public int MaxBadRowsListed { get; set; } = 1000;

    public static ImportOptions Read(IConfiguration configuration)
    {
        ImportOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<ImportOptions>() ?? new ImportOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"Invalid configuration:\n  {e.Message}");
        }

        var errors = new List<string>();
        if (options.MaxBytes < 1)
        {
            errors.Add($"Import:MaxBytes must be a positive number of bytes (got {options.MaxBytes}).");
        }

        if (!(options.ConfirmationsPerSecond > 0) || double.IsInfinity(options.ConfirmationsPerSecond))
        {
            errors.Add($"Import:ConfirmationsPerSecond must be a positive number (got {options.ConfirmationsPerSecond}).");
        }

        if (options.MaxBadRowsListed < 0)
        {
            errors.Add($"Import:MaxBadRowsListed must not be negative (got {options.MaxBadRowsListed}).");
        }

        return errors.Count == 0 ? options : throw new ConfigurationException("Invalid configuration:\n  " + string.Join("\n  ", errors));
    }
}
