namespace Tavolo.Tests;

/// <summary>Waits for a condition that background work (the in-process producer and consumer) makes true, not for a fixed time.</summary>
public static class Eventually
{
    /// <summary>Reads until <paramref name="done"/> holds of the value read and returns that value; fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            Assert.True(DateTime.UtcNow < until, $"The condition did not hold within {timeout}.");
            await Task.Delay(20); // the step between reads, not the wait itself
        }
    }
}
