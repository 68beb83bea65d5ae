using Newsletter.Delivery;

namespace Newsletter.Tests.Delivery;

public sealed class DigestScheduleTests
{
    private static DateTime Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void Daily_IsDueOnceTheDeliveryHourHasPassed_InTheSubscribersTimeZone()
    {
        // Europe/Berlin is UTC+1 in November: 08:00 there is 07:00 UTC.
        Assert.Null(DigestSchedule.DueSlot("daily", 8, "Europe/Berlin", lastSlotUtc: Utc(29, 7), confirmedUtc: null, nowUtc: Utc(30, 6, 59)));
        Assert.Equal(Utc(30, 7), DigestSchedule.DueSlot("daily", 8, "Europe/Berlin", Utc(29, 7), null, Utc(30, 7, 1)));
    }

    [Fact]
    public void AfterDowntime_TheMissedSlotsAreCaughtUpOnce_NotOncePerSlot()
    {
        var slot = DigestSchedule.DueSlot("daily", 8, "UTC", lastSlotUtc: Utc(25, 8), confirmedUtc: null, nowUtc: Utc(30, 12));
        Assert.Equal(Utc(30, 8), slot);
        // Once that slot is recorded, the same moment is not due again.
        Assert.Null(DigestSchedule.DueSlot("daily", 8, "UTC", lastSlotUtc: slot, confirmedUtc: null, nowUtc: Utc(30, 12)));
    }

    [Fact]
    public void Weekly_IsDueOnMondays()
    {
        // 2026-11-30 is a Monday.
        Assert.Equal(Utc(30, 8), DigestSchedule.DueSlot("weekly", 8, "UTC", Utc(23, 8), null, Utc(30, 9)));
        Assert.Null(DigestSchedule.DueSlot("weekly", 8, "UTC", Utc(30, 8), null, new DateTime(2026, 12, 6, 23, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void ANewSubscriber_WaitsForTheFirstSlotAfterConfirming()
    {
        Assert.Null(DigestSchedule.DueSlot("daily", 8, "UTC", lastSlotUtc: null, confirmedUtc: Utc(30, 9), nowUtc: Utc(30, 10)));
        Assert.Equal(new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc),
            DigestSchedule.DueSlot("daily", 8, "UTC", null, Utc(30, 9), new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void ASlotInADaylightSavingGap_MovesToTheNextHour()
    {
        // 2026-03-29 02:00 does not exist in Berlin (clocks jump to 03:00 = 01:00 UTC).
        var slot = DigestSchedule.LatestSlot("daily", 2, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), new DateTime(2026, 3, 29, 5, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc), slot);
    }
}
