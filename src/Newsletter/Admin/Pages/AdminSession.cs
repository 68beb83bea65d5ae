using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Newsletter.Admin.Pages;

/// <summary>
/// The admin pages' session: a data-protected cookie ticket (ASP.NET Core cookie authentication),
/// HttpOnly, SameSite=Strict, Secure whenever the request came over https, sent only under /admin.
/// The ticket names the admin key it was issued for (a hash), so changing the key ends every session.
/// </summary>
public static class AdminSession
{
    public const string Scheme = "AdminSession";
    public const string CookieName = "newsletter-admin";
    private const string KeyClaim = "admin-key";

    public static void AddAdminSession(this IServiceCollection services, string adminKey)
    {
        var fingerprint = Fingerprint(adminKey);
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = "/admin";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.IsEssential = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/admin/login";
            options.Events.OnValidatePrincipal = context =>
            {
                if (context.Principal?.FindFirst(KeyClaim)?.Value != fingerprint)
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        });
        services.AddSingleton(new AdminKeyFingerprint(fingerprint));
    }

    public static Task SignInAsync(HttpContext context)
    {
        var fingerprint = context.RequestServices.GetRequiredService<AdminKeyFingerprint>().Value;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.NameIdentifier, "admin"), new Claim(KeyClaim, fingerprint)],
            Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    /// <summary>Reads the session cookie and, when it holds a valid session, makes it the request's user (antiforgery tokens bind to it).</summary>
    public static async Task<bool> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded)
        {
            return false;
        }

        context.User = result.Principal;
        return true;
    }

    /// <summary>
    /// A return URL is followed only when it is a path under /admin on this site: never another host
    /// (<c>//evil.example</c>, <c>/\evil.example</c>, <c>https://...</c>), so the sign-in form cannot be an open redirect.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2000
            || !(returnUrl == "/admin" || returnUrl.StartsWith("/admin/", StringComparison.Ordinal) || returnUrl.StartsWith("/admin?", StringComparison.Ordinal))
            || returnUrl.Contains('\\') || returnUrl.Contains("//", StringComparison.Ordinal) || returnUrl.Any(char.IsControl))
        {
            return "/admin";
        }

        return returnUrl;
    }

    private static string Fingerprint(string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("admin-session:" + key)))[..32];
}

public sealed record AdminKeyFingerprint(string Value);
