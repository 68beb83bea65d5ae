using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Newsletter.Data;

/// <summary>
/// ASP.NET Core Data Protection's key ring in the database, so every process behind one PostgreSQL
/// accepts the antiforgery tokens the others put into forms. The interface is synchronous; it is
/// called when the key ring is loaded or a key is made (rarely), never per request.
/// </summary>
public sealed class DatabaseXmlRepository(IDbConnectionFactory connections, SqlCatalog sql, TimeProvider clock) : IXmlRepository
{
    private readonly string list = sql["list-data-protection-keys"];
    private readonly string insert = sql["insert-data-protection-key"];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        return connection.Query<string>(list).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(insert, new { Name = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting), Now = clock.GetUtcNow().UtcDateTime });
    }
}
