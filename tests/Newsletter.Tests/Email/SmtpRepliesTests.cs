using MailKit.Net.Smtp;
using Newsletter.Email;

namespace Newsletter.Tests.Email;

/// <summary>Real replies of real relays (Postfix, Exim, qmail, Exchange, Gmail), read by the one classifier.</summary>
public sealed class SmtpRepliesTests
{
    [Theory]
    [InlineData(550, "5.1.1 <a@example.org>: Recipient address rejected: User unknown in relay recipient table", SmtpVerdict.AddressGone)]
    [InlineData(550, "5.1.1 The email account that you tried to reach does not exist.", SmtpVerdict.AddressGone)]
    [InlineData(550, "5.2.1 The email account that you tried to reach is disabled.", SmtpVerdict.AddressGone)]
    [InlineData(550, "No such user here", SmtpVerdict.AddressGone)]
    [InlineData(550, "Requested action not taken: mailbox unavailable", SmtpVerdict.AddressGone)]
    [InlineData(553, "sorry, user unknown (#5.1.1)", SmtpVerdict.AddressGone)]
    [InlineData(550, "relay not permitted", SmtpVerdict.RefusesUs)]
    [InlineData(554, "5.7.1 <a@example.org>: Relay access denied", SmtpVerdict.RefusesUs)]
    [InlineData(553, "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", SmtpVerdict.RefusesUs)]
    [InlineData(550, "5.7.606 Access denied, banned sending IP", SmtpVerdict.RefusesUs)]
    [InlineData(550, "Rejected by policy", SmtpVerdict.RefusesUs)]
    [InlineData(550, "Administrative prohibition", SmtpVerdict.RefusesUs)]
    [InlineData(553, "5.1.8 <digest@example.org>: Sender address rejected: Domain not found", SmtpVerdict.RefusesUs)]
    [InlineData(552, "5.2.2 The email account that you tried to reach is over quota.", SmtpVerdict.RecipientRefused)]
    [InlineData(554, "5.4.4 Unable to route", SmtpVerdict.RecipientRefused)]
    public void ARecipientRefusal_IsReadAs(int code, string text, SmtpVerdict expected) =>
        Assert.Equal(expected, SmtpReplies.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, (SmtpStatusCode)code, text)));

    [Theory]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 451, "4.7.1 Try again later")]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 450, "4.2.1 Mailbox busy")]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 421, "4.7.0 Too many connections, slow down")]
    public void AnyTemporaryReply_IsTriedLater(SmtpErrorCode stage, int code, string text) =>
        Assert.Equal(SmtpVerdict.TryLater, SmtpReplies.Classify(new SmtpCommandException(stage, (SmtpStatusCode)code, text)));

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 550, "5.1.0 user unknown")]   // the sender's address, not the subscriber's
    [InlineData(SmtpErrorCode.MessageNotAccepted, 554, "5.6.0 Message content rejected")]
    public void APermanentRefusalOfTheSenderOrTheMessage_RefusesUs_WhateverItSays(SmtpErrorCode stage, int code, string text) =>
        Assert.Equal(SmtpVerdict.RefusesUs, SmtpReplies.Classify(new SmtpCommandException(stage, (SmtpStatusCode)code, text)));
}
