using System.Text;

namespace Newsletter.Subscriptions.Import;

/// <summary>One CSV record: its fields, the line it starts on, and what is wrong with it, if anything.</summary>
public sealed record CsvRecord(IReadOnlyList<string> Fields, long Line, string? Error);

/// <summary>
/// A small RFC 4180 reader over a text stream: comma-separated fields, double quotes around fields
/// that hold commas, quotes or line breaks, <c>""</c> for a quote inside them; CRLF, LF or CR ends a
/// record. It keeps the physical line each record starts on (quoted fields may span lines), so bad
/// rows are reported by the line an editor shows. A record never grows past a bound: a file of one
/// endless field costs the bound in memory, not the file's size.
/// </summary>
public sealed class CsvRecordReader(TextReader reader, int maxRecordCharacters = 64 * 1024)
{
    private readonly char[] buffer = new char[64 * 1024];
    private int position;
    private int length;
    private long line = 1;

    /// <returns>The next record, or null at the end of the text. Blank lines are skipped.</returns>
    public async ValueTask<CsvRecord?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!await FillAsync(cancellationToken))
            {
                return null;
            }

            var record = await ReadRecordAsync(cancellationToken);
            if (record.Fields is [""] && record.Error is null)
            {
                continue;
            }

            return record;
        }
    }

    private async ValueTask<CsvRecord> ReadRecordAsync(CancellationToken cancellationToken)
    {
        var start = line;
        var fields = new List<string>();
        var field = new StringBuilder();
        var size = 0;
        string? error = null;
        var quoted = false;
        var afterQuote = false;
        var atFieldStart = true;

        void Append(char c)
        {
            if (++size > maxRecordCharacters)
            {
                error ??= $"the record is longer than {maxRecordCharacters:N0} characters";
                return;
            }

            field.Append(c);
        }

        while (await FillAsync(cancellationToken))
        {
            var c = buffer[position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (!await FillAsync(cancellationToken) || buffer[position] != '"')
                    {
                        quoted = false;
                        afterQuote = true;
                        continue;
                    }

                    position++;
                    Append('"');
                    continue;
                }

                if (c == '\n' || (c == '\r' && !await NextIsAsync('\n', cancellationToken)))
                {
                    line++;
                }

                Append(c);
                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                atFieldStart = true;
                afterQuote = false;
                continue;
            }

            if (c is '\n' or '\r')
            {
                if (c == '\r' && await FillAsync(cancellationToken) && buffer[position] == '\n')
                {
                    position++;
                }

                line++;
                fields.Add(field.ToString());
                return new CsvRecord(fields, start, error);
            }

            if (c == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
                continue;
            }

            if (afterQuote)
            {
                error ??= $"field {fields.Count + 1} has characters after its closing quote";
            }

            atFieldStart = false;
            Append(c);
        }

        if (quoted)
        {
            error ??= $"field {fields.Count + 1} opens a quote that is never closed";
        }

        fields.Add(field.ToString());
        return new CsvRecord(fields, start, error);
    }

    private async ValueTask<bool> NextIsAsync(char expected, CancellationToken cancellationToken) =>
        await FillAsync(cancellationToken) && buffer[position] == expected;

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (position < length)
        {
            return true;
        }

        length = await reader.ReadAsync(buffer.AsMemory(), cancellationToken);
        position = 0;
        return length > 0;
    }
}
