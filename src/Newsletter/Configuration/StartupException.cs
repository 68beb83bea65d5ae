namespace Newsletter.Configuration;

/// <summary>
/// Something about the machine, not a setting, that stops the start (a data folder that cannot be
/// written, a database file that is not one): the message is the one line the operator reads.
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
