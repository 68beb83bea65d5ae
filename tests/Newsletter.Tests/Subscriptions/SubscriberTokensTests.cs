using System.Security.Cryptography;
using Newsletter.Subscriptions;

namespace Newsletter.Tests.Subscriptions;

public sealed class SubscriberTokensTests
{
    private readonly SubscriberTokens tokens = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Token_RoundTrips_ForItsPurpose()
    {
        var token = tokens.Create(TokenPurpose.Unsubscribe, 42, 7);
        Assert.True(tokens.TryRead(token, TokenPurpose.Unsubscribe, out var id, out var version));
        Assert.Equal((42, 7), (id, version));
    }

    [Theory]
    [InlineData(TokenPurpose.Confirm)]
    [InlineData(TokenPurpose.Preferences)]
    public void Token_ForOnePurpose_FailsForAnother(TokenPurpose other) =>
        Assert.False(tokens.TryRead(tokens.Create(TokenPurpose.Unsubscribe, 42, 1), other, out _, out _));

    [Fact]
    public void Token_WithAnyCharacterChanged_Fails()
    {
        var token = tokens.Create(TokenPurpose.Preferences, 1234, 1);
        for (var i = 0; i < token.Length; i++)
        {
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.False(tokens.TryRead(changed, TokenPurpose.Preferences, out _, out _), $"changed at {i}");
        }
    }

    [Fact]
    public void Token_FromAnotherSecret_Fails()
    {
        var other = new SubscriberTokens(RandomNumberGenerator.GetBytes(32));
        Assert.False(tokens.TryRead(other.Create(TokenPurpose.Confirm, 1, 1), TokenPurpose.Confirm, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void Garbage_Fails(string? token) => Assert.False(tokens.TryRead(token, TokenPurpose.Confirm, out _, out _));
}
