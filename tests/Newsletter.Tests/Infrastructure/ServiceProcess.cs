using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// The service as an operator runs it: <c>dotnet Newsletter.dll VERB</c> in a process of its own,
/// configured by environment variables, its output kept in a log file. <see cref="Kill"/> is SIGKILL:
/// no shutdown, no cleanup, as a crash or the OOM killer would end it.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string log;

    private ServiceProcess(Process process, string log, Uri address)
    {
        this.process = process;
        this.log = log;
        Address = address;
    }

    public Uri Address { get; }

    public string Log => File.Exists(log) ? File.ReadAllText(log) : "";

    public static async Task<ServiceProcess> StartAsync(string verb, IReadOnlyDictionary<string, string?> environment, string logFile)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Newsletter.dll"), verb])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(start)!;
        var writer = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, logFile, new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await service.DisposeAsync();
        throw new InvalidOperationException($"The {verb} process did not become ready:\n{service.Log}");
    }

    /// <summary>SIGKILL, at once.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(line);
        }
    }
}
