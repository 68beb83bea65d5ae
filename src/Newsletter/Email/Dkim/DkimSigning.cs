using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Configuration;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace Newsletter.Email.Dkim;

/// <summary>
/// Signs every outgoing message with the one key read at start (never per message). Used by
/// <see cref="EmailComposer"/> as the last step of composing, so lifecycle emails and digests are
/// signed in one place, after every header is final: anything changed later would break the signature.
/// </summary>
public sealed class DkimSigning : IDisposable
{
    /// <summary>
    /// The headers a receiver needs protected: who it is from and to, what it says, and the list
    /// headers RFC 8058 requires under the signature (a forwarder must not graft a one-click
    /// unsubscribe onto our mail). Only those present are named in h=.
    /// </summary>
    private static readonly string[] Candidates =
    [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID",
    ];

    private readonly DkimSigner? signer;

    private DkimSigning(DkimSigner? signer) => this.signer = signer;

    /// <summary>Signs nothing: no <c>Dkim</c> settings.</summary>
    public static DkimSigning None { get; } = new(null);

    public bool Enabled => signer is not null;

    /// <summary>Reads and checks the key; a bad key stops the start with a line naming Dkim:PrivateKeyFile.</summary>
    public static DkimSigning Load(DkimOptions options, string dataDirectory)
    {
        if (!options.Enabled)
        {
            return None;
        }

        var path = Path.GetFullPath(options.PrivateKeyFile!, dataDirectory);
        var key = ReadPrivateKey(path);
        DkimSigner signer = key switch
        {
            RsaKeyParameters { Modulus.BitLength: < 1024 } rsa => throw new ConfigurationException(
                $"Dkim:PrivateKeyFile: the RSA key in '{path}' has {rsa.Modulus.BitLength} bits; receivers ignore keys under 1024 bits (use 2048: the dkim-key verb makes one)."),
            RsaPrivateCrtKeyParameters rsa => new FastRsaDkimSigner(rsa, options.Domain!, options.Selector!),
            RsaKeyParameters => new DkimSigner(key, options.Domain!, options.Selector!, DkimSignatureAlgorithm.RsaSha256),
            Ed25519PrivateKeyParameters => new DkimSigner(key, options.Domain!, options.Selector!, DkimSignatureAlgorithm.Ed25519Sha256),
            _ => throw new ConfigurationException(
                $"Dkim:PrivateKeyFile: '{path}' holds a {key.GetType().Name.Replace("PrivateKeyParameters", "", StringComparison.Ordinal)} key; DKIM signs with RSA or Ed25519."),
        };
        signer.HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        signer.BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        return new DkimSigning(signer);
    }

    public void Dispose() => (signer as IDisposable)?.Dispose();

    /// <summary>Adds the DKIM-Signature header; the message must not change afterwards.</summary>
    public void Sign(MimeMessage message)
    {
        if (signer is null)
        {
            return;
        }

        // The same constraint MailKit applies when sending: the bodies are already quoted-printable,
        // so this changes nothing, and the signed bytes are the bytes the relay receives.
        message.Prepare(EncodingConstraint.SevenBit);
        // Content-Type is the body's header in MimeKit's model, but the message's on the wire.
        signer.Sign(message, Array.FindAll(Candidates, name => message.Headers.Contains(name) || message.Body?.Headers.Contains(name) == true));
    }

    private static AsymmetricKeyParameter ReadPrivateKey(string path)
    {
        object? pem;
        try
        {
            using var reader = new StreamReader(path);
            pem = new PemReader(reader).ReadObject();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationException($"Dkim:PrivateKeyFile: no file at '{path}' (the dkim-key verb writes one).");
        }
        catch (Exception e) when (e is PemException or Org.BouncyCastle.OpenSsl.PasswordException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            // The key's bytes are never part of the message: only what kind of file it is not.
            throw new ConfigurationException($"Dkim:PrivateKeyFile: '{path}' is not an unencrypted PEM private key (RSA or Ed25519).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Dkim:PrivateKeyFile: '{path}' cannot be read: {e.Message}");
        }

        return pem switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } key => key,
            AsymmetricKeyParameter => throw new ConfigurationException(
                $"Dkim:PrivateKeyFile: '{path}' holds a public key; give the private key (the public one goes into DNS)."),
            _ => throw new ConfigurationException($"Dkim:PrivateKeyFile: '{path}' is not an unencrypted PEM private key (RSA or Ed25519)."),
        };
    }
}
