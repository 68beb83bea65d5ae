namespace Newsletter.Configuration;

/// <summary>The <c>Newsletter</c> configuration section.</summary>
public sealed class NewsletterOptions
{
    public const string Section = "Newsletter";

    /// <summary>Folder for the SQLite files, generated secrets and the mail catcher; relative to the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Absolute base of every link put into an email; the first listening URL when unset.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Liquid templates for emails and pages; the copy next to the binary when unset.</summary>
    public string? TemplatesDirectory { get; set; }

    /// <summary>Secret for signing links (base64, at least 32 bytes). Generated into the data directory when unset;
    /// set it when several instances share one database so their links agree.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Name shown in pages and emails.</summary>
    public string SiteName { get; set; } = "Paper Digest";

    /// <summary>How long a confirmation link works.</summary>
    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>The <c>RateLimiting</c> configuration section.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public int SubscriptionsPerClientPerMinute { get; set; } = 10;

    public int ConfirmationsPerAddressPerHour { get; set; } = 3;
}

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public string Provider { get; set; } = "Sqlite";

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);

    public bool IsSqlite => string.Equals(Provider, "Sqlite", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The <c>Hangfire</c> configuration section: how the background job server runs.</summary>
public sealed class JobOptions
{
    public const string Section = "Hangfire";

    public int WorkerCount { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>How often idle workers look for new jobs; short, so confirmation emails leave quickly.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often scheduled jobs (retries after a 4xx) are moved to the queue when due.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// PostgreSQL job storage: how long after its process died a running job is fetched again by
    /// another. The process renews it while the job runs, so a long job is never taken twice.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The <c>Jobs</c> configuration section: which roles this process plays.</summary>
public sealed class JobServerOptions
{
    public const string Section = "Jobs";

    /// <summary>False: this process serves the web and enqueues jobs, and other processes (workers) run them.</summary>
    public bool Server { get; set; } = true;
}
