using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Newsletter.Tests.Operations;

/// <summary>
/// The built app (<c>dotnet Newsletter.dll</c>) as a process of its own, started from a working
/// directory and as a user the test chooses (<c>runuser</c> when the tests run as root), with
/// everything it prints kept. Unlike <see cref="Infrastructure.ServiceProcess"/>, it can also run a
/// start that is meant to fail, to its exit.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private AppProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>Starts <paramref name="dll"/> and waits until <c>/health/ready</c> answers 200 on <paramref name="address"/>.</summary>
    public static async Task<AppProcess> StartAsync(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, Uri address, string? user = null)
    {
        var service = new AppProcess(Process.Start(StartInfo(dll, workingDirectory, environment, user, []))!, address);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !service.process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await service.DisposeAsync();
        throw new InvalidOperationException($"The app did not become ready at {address}:\n{service.Output}");
    }

    /// <summary>Runs the app until it exits by itself (a start meant to fail); kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(
        string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, string? user = null, params string[] args)
    {
        using var process = Process.Start(StartInfo(dll, workingDirectory, environment, user, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, (await stderr) + $"\n[killed after {timeout}: it did not exit]");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string? user, string[] args)
    {
        var asOther = user is not null && RunsAsRoot;
        var start = new ProcessStartInfo(asOther ? "runuser" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asOther)
        {
            foreach (var prefix in new[] { "-u", user!, "--", "dotnet" })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test gives: no test-run settings (provider, connection strings) leak into the app.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Newsletter", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                     || k.StartsWith("ConnectionStrings", StringComparison.Ordinal) || k.StartsWith("Database__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
