using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.DataInOut;

/// <summary>Uploads CSV to the import endpoint and waits on its progress, as an operator's script would.</summary>
internal static class ImportClient
{
    public const string Header = "email,topics,interests,frequency,consented_at,consent_source";

    public static HttpContent Csv(string text) => Csv(Encoding.UTF8.GetBytes(text));

    public static HttpContent Csv(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return content;
    }

    public static Task<HttpResponseMessage> PostAsync(TestApp app, HttpContent content) =>
        app.AdminClient().PostAsync("/api/subscribers/import", content);

    /// <summary>Posts the file, expects 202 with a Location, and waits until the import is completed.</summary>
    public static async Task<JsonElement> ImportAsync(TestApp app, string csv, int seconds = 60)
    {
        var response = await PostAsync(app, Csv(csv));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await WaitForAsync(app, response.Headers.Location!.OriginalString, seconds);
    }

    public static async Task<JsonElement> WaitForAsync(TestApp app, string location, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var progress = await app.AdminClient().GetFromJsonAsync<JsonElement>(location);
            var status = progress.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                return progress;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The import did not finish in time: {progress}");
            await Task.Delay(100);
        }
    }

    public static long Count(JsonElement progress, string name) => progress.GetProperty(name).GetInt64();

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
