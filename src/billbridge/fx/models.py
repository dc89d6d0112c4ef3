"""The published rates, one row per day, kept so a day is fetched from the source only once."""

from __future__ import annotations

from django.db import models


class PublishedDay(models.Model):
    """One day's reference rates as the source published them: units per 1 EUR, as text."""

    source = models.CharField(max_length=20, default="ecb")
    date = models.DateField()
    rates = models.JSONField(default=dict)  # {"DKK": "7.4727", "USD": "1.1684", …}
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["source", "date"], name="fx_one_row_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.date}"


class FeedRead(models.Model):
    """A successful read of a rates file: which days it spans and when it was read.

    A day is settled — its rate is final — once a read spans it, or once a read made after
    that day had ended starts before it (nothing was published that day: a weekend or holiday).
    """

    source = models.CharField(max_length=20, default="ecb")
    feed = models.CharField(max_length=20)
    first_date = models.DateField()
    last_date = models.DateField()
    read_on = models.DateField()  # the Danish date of the read
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["source", "first_date", "last_date"])]

    def __str__(self) -> str:
        return f"{self.source} {self.feed} {self.first_date}..{self.last_date}"
