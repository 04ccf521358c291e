"""Seeds N promo codes straight into a Tavolo SQLite file (the schema the app migrated), for bench/promo-codes.sh.
usage: seed-promo-codes.py <db> <count> <creator-id> <owner-id>"""
import random, sqlite3, sys
from datetime import datetime, timedelta, timezone

db, count, creator, owner = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(42)
now = datetime.now(timezone.utc)
words = ["lunch", "dinner", "brunch", "weekend", "family", "student", "happy hour", "birthday", "autumn", "launch"]
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"  # the app's fixed-width 7-digit form

def rows():
    for i in range(count):
        created = now - timedelta(seconds=count - i)
        expires = now + timedelta(days=rng.randint(-60, 300), seconds=rng.randint(0, 86399))
        maximum = rng.choice([None, None, None, 10, 100, 1000])
        yield (f"BENCH-{i:07d}", owner if i % 50 == 0 else f"customer-{rng.randint(1, 5000)}",
               creator if i % 10 == 0 else f"owner-{rng.randint(1, 200)}", rng.randint(1, 100), iso(expires),
               f"{rng.choice(words).title()} offer {i}", maximum, rng.randint(0, maximum) if maximum else rng.randint(0, 50),
               iso(created), iso(created))

with sqlite3.connect(db) as connection:
    connection.executemany(
        "INSERT INTO promo_codes (code, owner_id, created_by, discount_percentage, expires_at, description, max_redemptions,"
        " redemptions, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
    connection.execute("ANALYZE")
