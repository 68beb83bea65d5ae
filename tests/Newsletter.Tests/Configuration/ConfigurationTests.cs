using Newsletter.Configuration;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Configuration;

[Collection(AppCollection.Name)]
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Smtp:Port", "not-a-number", "Smtp:Port")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Smtp:Security", "Sometimes", "Smtp:Security")]
    [InlineData("Smtp:From", "not an address", "Smtp:From")]
    [InlineData("Smtp:Host", "bad host name", "Smtp:Host")]
    [InlineData("Newsletter:PublicBaseUrl", "ftp://example.org", "Newsletter:PublicBaseUrl")]
    [InlineData("Newsletter:SigningKey", "c2hvcnQ=", "Newsletter:SigningKey")]
    [InlineData("RateLimiting:SubscriptionsPerClientPerMinute", "0", "RateLimiting:SubscriptionsPerClientPerMinute")]
    [InlineData("RateLimiting:ConfirmationsPerAddressPerHour", "-1", "RateLimiting:ConfirmationsPerAddressPerHour")]
    [InlineData("Database:Provider", "Oracle", "Database:Provider")]
    [InlineData("Admin:ApiKey", "short", "Admin:ApiKey")]
    [InlineData("Hangfire:WorkerCount", "0", "Hangfire:WorkerCount")]
    [InlineData("Matching:Mode", "Magic", "Matching:Mode")]
    [InlineData("Matching:Calibration:Hybrid", "1 2 NaN 4", "Matching:Calibration:Hybrid")]
    [InlineData("Matching:Calibration:Lexical", "1 2", "Matching:Calibration:Lexical")]
    [InlineData("Matching:PseudoRelevanceEntries", "-1", "Matching:PseudoRelevanceEntries")]
    [InlineData("Matching:MinEntriesForStanding", "513", "Matching:MinEntriesForStanding")]
    [InlineData("Matching:BarDeviations", "2", "Matching:BarDeviations is no longer used")]
    [InlineData("Matching:LexicalWeight", "0.4", "Matching:LexicalWeight is no longer used")]
    [InlineData("Matching:SemanticCeiling", "0.1", "Matching:SemanticCeiling")]
    [InlineData("Matching:GlossaryFile", "/nonexistent/glossary.txt", "Matching:GlossaryFile")]
    [InlineData("Digest:Threshold", "NaN", "Digest:Threshold")]
    public async Task BadConfiguration_FailsAtStart_NamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(new() { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARelayWithoutAFromAddressOrAPublicDomain_FailsAtStart_NamingSmtpFrom()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(new() { ["Smtp:From"] = null }));
        Assert.Contains("Smtp:From", error.Message, StringComparison.Ordinal);

        await using var app = await TestApp.StartAsync(new() { ["Smtp:From"] = null, ["Newsletter:PublicBaseUrl"] = "https://digest.example.org" });
        await app.SubscribeAsync("from@example.org");
        var message = await app.Smtp!.WaitForAsync("from@example.org", "Confirm");
        Assert.Equal("digest@digest.example.org", message.From.Mailboxes.Single().Address);
        Assert.StartsWith("https://digest.example.org/confirm/", TestApp.LinkIn(message, "/confirm/"), StringComparison.Ordinal);
    }
}
