-- A request committed just before a crash may have lost the job that mails its confirmation (the
-- job is enqueued after the commit). A sweep enqueues it again, once: this says when it did.
ALTER TABLE subscription_requests ADD COLUMN IF NOT EXISTS email_swept_at timestamptz;
