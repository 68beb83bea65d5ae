using Newsletter.Delivery;
using Newsletter.Email;

namespace Newsletter.Configuration;

/// <summary>
/// Reads and checks, before anything starts, the settings the host is built from, and fails with a
/// message that names each bad key. Binding errors (a word where a number belongs) surface here too.
/// </summary>
public sealed record StartupSettings(
    NewsletterOptions Newsletter,
    SmtpOptions Smtp,
    RateLimitingOptions RateLimiting,
    DatabaseOptions Database,
    JobOptions Jobs,
    JobServerOptions JobServer,
    DeliveryOptions Delivery,
    DigestOptions Digest,
    Feeds.FeedOptions Feeds,
    Matching.MatchingOptions Matching,
    string DataDirectory,
    string TemplatesDirectory,
    string? ConnectionString)
{
    /// <summary>DKIM settings, checked for completeness here; the key itself is read by <see cref="Email.Dkim.DkimSigning.Load"/>.</summary>
    public Email.Dkim.DkimOptions Dkim { get; init; } = new();


    public static StartupSettings Read(IConfiguration configuration, string contentRoot)
    {
        var errors = new List<string>();
        var newsletter = Bind<NewsletterOptions>(configuration, NewsletterOptions.Section, errors);
        var smtp = Bind<SmtpOptions>(configuration, SmtpOptions.Section, errors);
        var rateLimiting = Bind<RateLimitingOptions>(configuration, RateLimitingOptions.Section, errors);
        var database = Bind<DatabaseOptions>(configuration, DatabaseOptions.Section, errors);
        var jobs = Bind<JobOptions>(configuration, JobOptions.Section, errors);
        var jobServer = Bind<JobServerOptions>(configuration, JobServerOptions.Section, errors);
        var delivery = Bind<DeliveryOptions>(configuration, DeliveryOptions.Section, errors);
        var digest = Bind<DigestOptions>(configuration, DigestOptions.Section, errors);
        errors.AddRange(delivery.Validate());
        errors.AddRange(digest.Validate());
        var feeds = Bind<Feeds.FeedOptions>(configuration, global::Newsletter.Feeds.FeedOptions.Section, errors);
        errors.AddRange(feeds.Validate());
        var matching = Bind<Matching.MatchingOptions>(configuration, global::Newsletter.Matching.MatchingOptions.Section, errors);
        errors.AddRange(matching.Validate());
        errors.AddRange(global::Newsletter.Matching.MatchingOptions.Removed(configuration));
        if (string.IsNullOrWhiteSpace(newsletter.DataDirectory))
        {
            errors.Add("Newsletter:DataDirectory must name a folder.");
        }

        if (newsletter.PublicBaseUrl is { Length: > 0 } baseUrl
            && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"Newsletter:PublicBaseUrl must be an absolute http(s) URL (got '{baseUrl}').");
        }
        else if (newsletter.PublicBaseUrl is { Length: > 0 } linkRoot && (linkRoot.Contains('?') || linkRoot.Contains('#')))
        {
            // Every link is built by appending a path: a query or fragment here would end up in the middle of it.
            errors.Add($"Newsletter:PublicBaseUrl must not have a query or fragment (got '{linkRoot}'); give the scheme, host and optional path only.");
        }

        if (newsletter.SigningKey is { Length: > 0 } key && !IsStrongBase64Key(key))
        {
            errors.Add("Newsletter:SigningKey must be base64 of at least 32 random bytes (generate one with `openssl rand -base64 32`).");
        }

        if (newsletter.ConfirmationLinkLifetime <= TimeSpan.Zero)
        {
            errors.Add("Newsletter:ConfirmationLinkLifetime must be positive, e.g. 7.00:00:00.");
        }

        if (configuration["Admin:ApiKey"] is { Length: > 0 and < 16 })
        {
            errors.Add("Admin:ApiKey must be at least 16 characters; leave it unset to have one generated.");
        }

        errors.AddRange(smtp.Validate());
        if (!smtp.UsesMailCatcher && string.IsNullOrWhiteSpace(smtp.From) && !HasMailDomain(newsletter.PublicBaseUrl))
        {
            errors.Add("Smtp:From must be set (e.g. 'Paper Digest <digest@example.org>') when Smtp:Host names a relay, unless "
                + "Newsletter:PublicBaseUrl has a domain name to send from: relays refuse mail from digest@localhost or an IP address.");
        }

        if (!smtp.UsesMailCatcher && newsletter.PublicBaseUrl is { Length: > 0 } linkBase
            && Uri.TryCreate(linkBase, UriKind.Absolute, out var links) && links.Scheme == Uri.UriSchemeHttp && !links.IsLoopback)
        {
            // Providers ignore a one-click List-Unsubscribe that is not https, and readers' links would travel in clear.
            errors.Add($"Newsletter:PublicBaseUrl must be https when Smtp:Host names a relay (got '{linkBase}'); "
                + "http is only accepted on a loopback host (localhost, 127.0.0.1, ::1).");
        }

        var dkim = Bind<Email.Dkim.DkimOptions>(configuration, Email.Dkim.DkimOptions.Section, errors);
        errors.AddRange(dkim.Validate());
        if (rateLimiting.SubscriptionsPerClientPerMinute < 1)
        {
            errors.Add($"RateLimiting:SubscriptionsPerClientPerMinute must be at least 1 (got {rateLimiting.SubscriptionsPerClientPerMinute}).");
        }

        if (rateLimiting.ConfirmationsPerAddressPerHour < 1)
        {
            errors.Add($"RateLimiting:ConfirmationsPerAddressPerHour must be at least 1 (got {rateLimiting.ConfirmationsPerAddressPerHour}).");
        }

        if (!database.IsSqlite && !database.IsPostgres)
        {
            errors.Add($"Database:Provider must be 'Sqlite' or 'Postgres' (got '{database.Provider}').");
        }
        else if (database.IsPostgres && Data.PostgresConnectionFactory.Check(configuration.GetConnectionString("Newsletter")) is { } connectionError)
        {
            errors.Add(connectionError);
        }

        if (jobs.WorkerCount is < 1 or > 100)
        {
            errors.Add($"Hangfire:WorkerCount must be between 1 and 100 (got {jobs.WorkerCount}).");
        }

        if (jobs.InvisibilityTimeout < TimeSpan.FromSeconds(15))
        {
            errors.Add($"Hangfire:InvisibilityTimeout must be at least 00:00:15 (got {jobs.InvisibilityTimeout}).");
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException("Invalid configuration:\n  " + string.Join("\n  ", errors));
        }

        var dataDirectory = Path.GetFullPath(newsletter.DataDirectory, contentRoot);
        var templates = newsletter.TemplatesDirectory is { Length: > 0 } t
            ? Path.GetFullPath(t, contentRoot)
            : Path.Combine(AppContext.BaseDirectory, "templates");
        if (!Directory.Exists(templates))
        {
            throw new ConfigurationException($"Newsletter:TemplatesDirectory: the folder '{templates}' does not exist.");
        }

        return new StartupSettings(newsletter, smtp, rateLimiting, database, jobs, jobServer, delivery, digest, feeds, matching, dataDirectory, templates,
            configuration.GetConnectionString("Newsletter"))
        {
            Dkim = dkim,
        };
    }

    private static T Bind<T>(IConfiguration configuration, string section, List<string> errors)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value: "Failed to convert configuration value at 'Smtp:Port'..."
            errors.Add(e.Message);
            return new T();
        }
    }

    /// <summary>True when the URL's host can be the domain of a From address: a DNS name with a dot, not an IP.</summary>
    internal static bool HasMailDomain(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.HostNameType == UriHostNameType.Dns && uri.Host.Contains('.');

    private static bool IsStrongBase64Key(string key)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(key, buffer, out var written) && written >= 32;
    }
}
