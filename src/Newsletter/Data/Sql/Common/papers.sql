-- The public papers page and the Atom feeds. An entry is shown at its publication time, else its
-- arrival; @TopicId (null = every entry) keeps those tagged with one topic. Entries the operator hid
-- (admin pages) are never listed.

-- name: papers-latest-time
-- Where the page starts when no day is asked for: the newest entry's day.
SELECT MAX(COALESCE(e.published_at, e.arrived_at)) FROM entries e
WHERE e.hidden_at IS NULL
  AND (@TopicId IS NULL OR EXISTS (SELECT 1 FROM entry_topics et WHERE et.entry_id = e.id AND et.topic_id = @TopicId));

-- name: papers-in-span
-- The entries shown in [@Start, @End), newest first: the days of the page, and the feeds.
SELECT e.id, e.title, e.abstract, e.url, e.authors, e.upvotes, COALESCE(e.published_at, e.arrived_at) AS ShownAt,
       CASE WHEN e.source = 'sample' THEN 1 ELSE 0 END AS IsSample
FROM entries e
WHERE e.hidden_at IS NULL AND COALESCE(e.published_at, e.arrived_at) >= @Start AND COALESCE(e.published_at, e.arrived_at) < @End
  AND (@TopicId IS NULL OR EXISTS (SELECT 1 FROM entry_topics et WHERE et.entry_id = e.id AND et.topic_id = @TopicId))
ORDER BY COALESCE(e.published_at, e.arrived_at) DESC, e.id DESC
LIMIT @Limit;

-- name: papers-trending
-- The most upvoted entries shown in [@Start, @End): the page's trending box.
SELECT e.id, e.title, e.abstract, e.url, e.authors, e.upvotes, COALESCE(e.published_at, e.arrived_at) AS ShownAt,
       CASE WHEN e.source = 'sample' THEN 1 ELSE 0 END AS IsSample
FROM entries e
WHERE e.hidden_at IS NULL AND COALESCE(e.published_at, e.arrived_at) >= @Start AND COALESCE(e.published_at, e.arrived_at) < @End
  AND e.upvotes > 0
  AND (@TopicId IS NULL OR EXISTS (SELECT 1 FROM entry_topics et WHERE et.entry_id = e.id AND et.topic_id = @TopicId))
ORDER BY e.upvotes DESC, COALESCE(e.published_at, e.arrived_at) DESC, e.id DESC
LIMIT @Limit;

-- name: papers-time-before
-- The newest entry before a day: the "older" link skips days with nothing.
SELECT MAX(COALESCE(e.published_at, e.arrived_at)) FROM entries e
WHERE e.hidden_at IS NULL AND COALESCE(e.published_at, e.arrived_at) < @Before
  AND (@TopicId IS NULL OR EXISTS (SELECT 1 FROM entry_topics et WHERE et.entry_id = e.id AND et.topic_id = @TopicId));

-- name: papers-time-from
-- The oldest entry from a time on: the "newer" link skips days with nothing.
SELECT MIN(COALESCE(e.published_at, e.arrived_at)) FROM entries e
WHERE e.hidden_at IS NULL AND COALESCE(e.published_at, e.arrived_at) >= @From
  AND (@TopicId IS NULL OR EXISTS (SELECT 1 FROM entry_topics et WHERE et.entry_id = e.id AND et.topic_id = @TopicId));

-- name: digest-view-delivery
-- The digest a web-view link names, with its run's time (the page's date).
SELECT d.id, d.subscriber_id AS SubscriberId, r.created_at AS CreatedAt
FROM deliveries d JOIN digest_runs r ON r.id = d.run_id
WHERE d.id = @Id;
