using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Storage.Aws;

/// <summary>DynamoDB answers and a table this process uses exists (one its function's policy lets it describe).</summary>
public sealed class DynamoHealthCheck(IAmazonDynamoDB dynamo, DynamoTables tables, IOptions<TavoloOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var table = o.Serves("auth") || o.Serves("users") || o.Serves("authorizer") ? tables.Auth
            : o.Serves("waitlists") || o.Serves("notifications") ? tables.Waitlists
            : o.Serves("orders") ? tables.Orders
            : o.Serves("restaurants") ? tables.Menus
            : tables.Idempotency;
        try
        {
            await dynamo.DescribeTableAsync(table.Name, cancellationToken);
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
