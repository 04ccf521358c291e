using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Storage.Aws;

/// <summary>DynamoDB answers and the auth table (which every module's requests touch) exists.</summary>
public sealed class DynamoHealthCheck(IAmazonDynamoDB dynamo, DynamoTables tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await dynamo.DescribeTableAsync(tables.Auth.Name, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or AmazonClientException)
        {
            return HealthCheckResult.Unhealthy("DynamoDB is unreachable or the tables are missing.", e);
        }
    }
}

/// <summary>SQS answers and the notification queue exists.</summary>
public sealed class SqsHealthCheck(IAmazonSQS sqs, IOptions<TavoloOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await sqs.GetQueueUrlAsync(options.Value.Sqs.QueueName, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or AmazonClientException)
        {
            return HealthCheckResult.Unhealthy("SQS is unreachable or the queue is missing.", e);
        }
    }
}
