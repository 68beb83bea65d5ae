using Newsletter.Subscriptions;

namespace Newsletter.Tests.Subscriptions;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("  Reader@Example.ORG ", "reader@example.org")]
    [InlineData("first.last+digest@sub.example.co.uk", "first.last+digest@sub.example.co.uk")]
    [InlineData("ana@bücher.example", "ana@xn--bcher-kva.example")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    [InlineData("user@example.org.", "user@example.org")]
    public void Normalise_AcceptsAndNormalises(string input, string expected)
    {
        Assert.Equal(expected, EmailAddress.Normalise(input, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plainaddress")]
    [InlineData("a@b@example.org")]
    [InlineData("user@localhost")]
    [InlineData(".user@example.org")]
    [InlineData("us..er@example.org")]
    [InlineData("user.@example.org")]
    [InlineData("\"quoted\"@example.org")]
    [InlineData("jörg@example.org")]
    [InlineData("user@example.org\r\nBcc: victim@example.org")]
    [InlineData("user@-example.org")]
    [InlineData("user@example.123")]
    [InlineData("user name@example.org")]
    public void Normalise_RejectsWithAReason(string input)
    {
        Assert.Null(EmailAddress.Normalise(input, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Normalise_EnforcesTheLengthLimits()
    {
        Assert.NotNull(EmailAddress.Normalise(new string('a', 64) + "@example.org", out _));
        Assert.Null(EmailAddress.Normalise(new string('a', 65) + "@example.org", out _));
        var longDomain = string.Join('.', Enumerable.Repeat(new string('d', 60), 5)) + ".org";
        Assert.Null(EmailAddress.Normalise("a@" + longDomain, out _));
    }

    [Fact]
    public void ForDisplay_ShowsTheDomainInUnicode() =>
        Assert.Equal("ana@bücher.example", EmailAddress.ForDisplay("ana@xn--bcher-kva.example"));
}
