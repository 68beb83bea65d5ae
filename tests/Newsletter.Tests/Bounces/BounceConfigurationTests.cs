using Newsletter.Configuration;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Bounces;

[Collection(AppCollection.Name)]
public sealed class BounceConfigurationTests
{
    [Theory]
    [InlineData("Smtp:ReturnPath", "Bounces <bounces@example.org>", "Smtp:ReturnPath")]
    [InlineData("Smtp:ReturnPath", "not an address", "Smtp:ReturnPath")]
    [InlineData("Bounces:Address", "nobody", "Bounces:Address")]
    [InlineData("Bounces:SoftBounceLimit", "0", "Bounces:SoftBounceLimit")]
    [InlineData("Bounces:Imap:Security", "Sometimes", "Bounces:Imap:Security")]
    [InlineData("Bounces:Imap:Host", "imap.example.org", "Bounces:Imap:Username")]
    public async Task BadBounceSettings_FailAtStart_NamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(new() { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
