using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Newsletter.Tests.Browser;

/// <summary>
/// Debian's system Chromium driven by Playwright. Never downloads a browser: a missing
/// <c>/usr/bin/chromium</c> fails the test with a message saying what to install.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"Chromium is not installed at {ExecutablePath}. Install Debian's package (apt-get install chromium); " +
                        "the browser tests never download a browser.");
        }

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Args,
                Timeout = 60_000,
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A desktop window (1280 wide) or a phone (390x844, touch, 2x pixels), on the app's base address.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            DeviceScaleFactor = phone ? 2 : 1,
            IsMobile = phone,
            HasTouch = phone,
            ColorScheme = ColorScheme.Light,
            Locale = "en-GB",
        });
        // Generous: the model-heavy matching tests run beside the app collection on two cores, and a
        // form post under that load has taken over 15 s (in the PostgreSQL pass).
        context.SetDefaultTimeout(45_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright.Dispose();
    }
}

/// <summary>Full-page PNGs of what the tests saw, in <c>screenshots</c> next to the test assembly.</summary>
public sealed class Screenshots
{
    private readonly ITestOutputHelper output;

    public Screenshots(ITestOutputHelper output)
    {
        this.output = output;
        Directory.CreateDirectory(Folder);
        output.WriteLine($"Screenshots: {Folder}");
    }

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task TakeAsync(IPage page, string name)
    {
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"  {path}");
    }
}
