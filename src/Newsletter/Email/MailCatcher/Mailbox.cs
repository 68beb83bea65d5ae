using System.Buffers;
using MimeKit;

namespace Newsletter.Email.MailCatcher;

/// <summary>A message the catcher holds, as listed on /dev/mailbox.</summary>
public sealed record CaughtMessage(string Id, string From, string To, string Subject, DateTimeOffset Date);

/// <summary>
/// The folder of caught messages. File names start with the UTC time received, so sorting
/// names sorts messages; ids are the file names without <c>.eml</c>, checked before any file access.
/// </summary>
public sealed class Mailbox(string folder)
{
    public string Folder { get; } = folder;

    public async Task SaveAsync(ReadOnlySequence<byte> message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var id = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}"[..40];
        var temporary = Path.Combine(Folder, id + ".tmp");
        await using (var file = File.Create(temporary))
        {
            foreach (var segment in message)
            {
                await file.WriteAsync(segment, cancellationToken);
            }
        }

        // Written whole, then renamed: a reader never sees half a message.
        File.Move(temporary, Path.Combine(Folder, id + ".eml"));
    }

    public IReadOnlyList<CaughtMessage> List(int max = 200)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(Folder, "*.eml")
            .OrderDescending(StringComparer.Ordinal)
            .Take(max)
            .Select(path => Summarise(Path.GetFileNameWithoutExtension(path), MimeMessage.Load(path)))
            .ToList();
    }

    public MimeMessage? Load(string id) => PathFor(id) is { } path && File.Exists(path) ? MimeMessage.Load(path) : null;

    public string? PathFor(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? Path.Combine(Folder, id + ".eml")
            : null;

    public static CaughtMessage Summarise(string id, MimeMessage message) =>
        new(id, message.From.ToString(), message.To.ToString(), message.Subject ?? "", message.Date);
}
