namespace Newsletter.Tests.Matching;

/// <summary>Runs a verb with standard output and error captured. Callers belong to the app collection: apps starting in parallel write to the console too.</summary>
internal static class VerbConsole
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(Func<Task<int>> verb)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await verb(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
