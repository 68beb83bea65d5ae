namespace Newsletter.Delivery;

/// <summary>
/// When a subscriber's digest is due. Each has a slot: their delivery hour in their time zone, every
/// day (daily) or on Mondays (weekly). A subscriber is due when the latest slot that has passed is
/// later than the last slot they were given, so after downtime each is sent once, not once per
/// missed slot. A new subscriber's first slot is the first one after they confirmed.
/// </summary>
public static class DigestSchedule
{
    public static DateTime? DueSlot(string frequency, int deliveryHour, string timeZone, DateTime? lastSlotUtc, DateTime? confirmedUtc, DateTime nowUtc)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        var slot = LatestSlot(frequency, deliveryHour, zone, nowUtc);
        var since = lastSlotUtc ?? confirmedUtc ?? DateTime.MinValue;
        return slot > since ? slot : null;
    }

    /// <summary>The latest slot at or before <paramref name="nowUtc"/>, in UTC.</summary>
    public static DateTime LatestSlot(string frequency, int deliveryHour, TimeZoneInfo zone, DateTime nowUtc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone);
        var day = local.Date;
        if (local.Hour < deliveryHour)
        {
            day = day.AddDays(-1);
        }

        if (frequency == "weekly")
        {
            var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
            day = day.AddDays(-sinceMonday);
        }

        var slotLocal = day.AddHours(deliveryHour);
        // A slot inside a daylight-saving gap does not exist; take the hour after it.
        if (zone.IsInvalidTime(slotLocal))
        {
            slotLocal = slotLocal.AddHours(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(slotLocal, DateTimeKind.Unspecified), zone);
    }
}
