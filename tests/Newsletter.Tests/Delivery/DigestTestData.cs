namespace Newsletter.Tests.Delivery;

/// <summary>Entries written for the delivery tests: each plainly about one subject.</summary>
internal static class DigestTestData
{
    public static readonly object[] FirstDay =
    [
        new { id = "2601.00001", title = "Program synthesis with large code models", @abstract = "We train code models to generate programs from docstrings and unit tests, improving code generation pass rates.", authors = new[] { "Ada Coder", "Bo Tester" }, upvotes = 5 },
        new { id = "2601.00002", title = "Repairing bugs with code language models", @abstract = "Automatic program repair using code generation models fine-tuned on commits.", authors = new[] { "C. Fixer" }, upvotes = 2 },
        new { id = "2601.00003", title = "Extending the context window to a million tokens", @abstract = "Long context language models with positional interpolation handle long documents and needle in a haystack tests.", authors = new[] { "D. Long" }, upvotes = 40 },
        new { id = "2601.00004", title = "Sparse mixture of experts routing", @abstract = "Mixture of experts models route tokens to experts, scaling parameters without compute.", authors = new[] { "E. Router", "F. Expert", "G. Gate", "H. Load" }, upvotes = 12 },
        new { id = "2601.00005", title = "Protein structure from sequence", @abstract = "A biology paper about folding proteins with physics simulations.", authors = new[] { "I. Bio" }, upvotes = 1 },
    ];

    public static readonly object[] SecondDay =
    [
        new { id = "2601.00006", title = "Code generation benchmarks revisited", @abstract = "We revisit code generation benchmarks and find contamination in program synthesis test sets.", authors = new[] { "J. Bench" }, upvotes = 3 },
    ];
}
