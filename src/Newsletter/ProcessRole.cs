namespace Newsletter;

/// <summary>What a process does. Any number of each may share one PostgreSQL database.</summary>
public enum ProcessRole
{
    /// <summary><c>serve</c>: the pages, the API and (unless <c>Jobs:Server=false</c>) the job server.</summary>
    Serve,

    /// <summary><c>worker</c>: the job server, and the health endpoints; no pages, no API.</summary>
    Worker,
}
