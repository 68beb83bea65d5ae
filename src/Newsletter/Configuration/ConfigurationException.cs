namespace Newsletter.Configuration;

/// <summary>A configuration value that stops the service from starting; the message names the key.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
