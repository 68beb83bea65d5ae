using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// A real IMAP server for the bounce mailbox: Debian's Dovecot (package dovecot-imapd) in the
/// foreground with a config file of its own, on loopback and a free port, one passwd-file user with a
/// plain password and a Maildir in a temp folder (owned by nobody when the tests run as root), logs
/// and base_dir in that folder so several can run at once. Disposing it stops it and removes the folder.
/// </summary>
public sealed class DovecotServer : IDisposable
{
    public const string User = "bounces";
    public const string Password = "bounce-secret-42";
    private readonly string folder;
    private readonly Process process;

    private DovecotServer(string folder, int port, Process process)
    {
        this.folder = folder;
        Port = port;
        this.process = process;
    }

    public int Port { get; }

    /// <summary>The app's settings that point its bounce reader at this mailbox.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Bounces:Imap:Host"] = "127.0.0.1",
        ["Bounces:Imap:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Bounces:Imap:Security"] = "None",
        ["Bounces:Imap:Username"] = User,
        ["Bounces:Imap:Password"] = Password,
    };

    public static DovecotServer Start()
    {
        const string binary = "/usr/sbin/dovecot";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("Dovecot is not installed: `apt-get install -y dovecot-imapd`, or run scripts/test, which installs it.");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"newsletter-imap-{Guid.NewGuid():N}"[..30]);
        var mail = Path.Combine(folder, "mail");
        Directory.CreateDirectory(mail);
        Directory.CreateDirectory(Path.Combine(folder, "run"));
        Directory.CreateDirectory(Path.Combine(folder, "state"));
        var isRoot = Environment.UserName == "root";
        var (uid, gid) = isRoot ? ("65534", "65534") : (Id("-u"), Id("-g"));
        if (isRoot)
        {
            Run("chown", $"-R nobody {mail}");
        }

        var port = FreePort();
        File.WriteAllText(Path.Combine(folder, "passwd"), $"{User}:{{PLAIN}}{Password}:{uid}:{gid}::::\n");
        var config = Path.Combine(folder, "dovecot.conf");
        File.WriteAllText(config, $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            info_log_path = {{folder}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = 1
            mail_location = maildir:{{mail}}/%u
            {{(isRoot ? "" : $"default_internal_user = {Environment.UserName}\ndefault_login_user = {Environment.UserName}")}}
            passdb {
              driver = passwd-file
              args = {{folder}}/passwd
            }
            userdb {
              driver = passwd-file
              args = {{folder}}/passwd
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
            }
            service anvil {
              chroot =
            }
            """);
        var process = Process.Start(new ProcessStartInfo(binary, $"-F -c {config}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        })!;
        var server = new DovecotServer(folder, port, process);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(folder, "dovecot.log")) ? File.ReadAllText(Path.Combine(folder, "dovecot.log")) : "";
                server.Dispose();
                throw new InvalidOperationException($"Dovecot did not start on port {port}: {log}");
            }
        }
    }

    /// <summary>Puts a message into a folder by IMAP APPEND, as a mail server's delivery would (unseen).</summary>
    public async Task AppendAsync(string rawMessage, string folderName = "INBOX")
    {
        using var message = await MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(rawMessage)));
        await WithFolderAsync(folderName, FolderAccess.ReadWrite, f => f.AppendAsync(message, MessageFlags.None));
    }

    /// <summary>The subjects of a folder's messages, each with whether it is \Seen; empty when the folder does not exist.</summary>
    public async Task<IReadOnlyList<(string Subject, bool Seen)>> ListAsync(string folderName)
    {
        var result = new List<(string, bool)>();
        await WithFolderAsync(folderName, FolderAccess.ReadOnly, async f =>
        {
            if (f.Count == 0)
            {
                return null;
            }

            foreach (var summary in await f.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags))
            {
                result.Add((summary.Envelope?.Subject ?? "", summary.Flags?.HasFlag(MessageFlags.Seen) == true));
            }

            return null;
        }, missingIsEmpty: true);
        return result;
    }

    private async Task WithFolderAsync(string name, FolderAccess access, Func<IMailFolder, Task<UniqueId?>> action, bool missingIsEmpty = false)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        IMailFolder mailFolder;
        try
        {
            mailFolder = await client.GetFolderAsync(name);
        }
        catch (FolderNotFoundException) when (missingIsEmpty)
        {
            return;
        }

        await mailFolder.OpenAsync(access);
        await action(mailFolder);
        await client.DisconnectAsync(true);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            // SIGTERM lets the master stop its imap and login processes; a kill would orphan them.
            Run("kill", $"-TERM {process.Id}");
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A last process still closing its log; the temp folder is cleaned by the OS.
        }
    }

    private static string Id(string flag)
    {
        using var id = Process.Start(new ProcessStartInfo("id", flag) { RedirectStandardOutput = true })!;
        var value = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();
        return value;
    }

    private static void Run(string program, string arguments)
    {
        using var run = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        run.WaitForExit(TimeSpan.FromSeconds(30));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
