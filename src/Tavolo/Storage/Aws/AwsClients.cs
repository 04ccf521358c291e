using Amazon.Runtime;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Client configuration for the AWS adapters. On AWS: the SDK's usual chain for credentials and region. Against an
/// emulator (<c>ServiceUrl</c> set): that endpoint, and placeholder credentials when none are configured.
/// </summary>
public static class AwsClients
{
    public static T Configure<T>(T config, string? serviceUrl) where T : ClientConfig
    {
        if (!string.IsNullOrEmpty(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
        }
        return config;
    }

    /// <summary>Placeholder credentials for an emulator when none are configured (emulators accept any); else null: the SDK's chain.</summary>
    public static AWSCredentials? EmulatorCredentials(string? serviceUrl) =>
        !string.IsNullOrEmpty(serviceUrl) && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null
            ? new BasicAWSCredentials("local", "local")
            : null;
}
