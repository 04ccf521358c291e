namespace Tavolo.Storage.Sqlite;

/// <summary>The schema, as numbered steps. Never edit a shipped step: add the next one.</summary>
public static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE users (
                id               TEXT PRIMARY KEY,
                email            TEXT NOT NULL,
                email_normalized TEXT NOT NULL UNIQUE,
                name             TEXT NOT NULL,
                role             TEXT NOT NULL,
                password_hash    TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            );
            CREATE INDEX users_by_role ON users (role, id);

            CREATE TABLE sessions (
                id           TEXT PRIMARY KEY,
                user_id      TEXT NOT NULL,
                created_at   TEXT NOT NULL,
                last_used_at TEXT NOT NULL,
                expires_at   TEXT NOT NULL,
                revoked_at   TEXT,
                user_agent   TEXT
            );
            CREATE INDEX sessions_by_user ON sessions (user_id);

            -- Refresh tokens only as SHA-256 hashes; a spent one is kept (until its session ends) to detect reuse.
            CREATE TABLE refresh_tokens (
                hash       TEXT PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                spent_at   TEXT
            );
            CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
            """),
        (2, """
            CREATE TABLE waitlists (
                id                  TEXT PRIMARY KEY,
                owner_id            TEXT NOT NULL,
                name                TEXT NOT NULL,
                description         TEXT,
                average_wait_minutes INTEGER NOT NULL,
                is_open             INTEGER NOT NULL,
                webhook_url         TEXT,
                webhook_secret      TEXT NOT NULL,
                created_at          TEXT NOT NULL,
                updated_at          TEXT NOT NULL
            );
            CREATE INDEX waitlists_by_owner ON waitlists (owner_id, id);

            CREATE TABLE waitees (
                id               TEXT PRIMARY KEY,
                waitlist_id      TEXT NOT NULL REFERENCES waitlists (id) ON DELETE CASCADE,
                name             TEXT NOT NULL,
                party_size       INTEGER NOT NULL,
                email            TEXT,
                phone            TEXT,
                notes            TEXT,
                status           TEXT NOT NULL,
                notify_at        TEXT,
                due_at           TEXT,  -- when the producer should claim it; NULL once claimed or never
                joined_at        TEXT NOT NULL,
                notified_at      TEXT,
                seated_at        TEXT,
                ended_at         TEXT,
                guest_token      TEXT NOT NULL UNIQUE,
                position_at_join INTEGER NOT NULL
            );
            CREATE INDEX waitees_in_line ON waitees (waitlist_id, status, joined_at, id);
            CREATE INDEX waitees_by_join ON waitees (waitlist_id, joined_at, id);
            -- The producer's "due" query reads only this partial index: its cost follows the number due.
            CREATE INDEX waitees_due ON waitees (due_at) WHERE status = 'WAITING' AND due_at IS NOT NULL;
            CREATE INDEX waitees_seated ON waitees (waitlist_id, seated_at) WHERE seated_at IS NOT NULL;

            CREATE TABLE notifications (
                id           TEXT PRIMARY KEY,
                waitlist_id  TEXT NOT NULL REFERENCES waitlists (id) ON DELETE CASCADE,
                waitee_id    TEXT NOT NULL REFERENCES waitees (id) ON DELETE CASCADE,
                channel      TEXT NOT NULL,
                recipient    TEXT NOT NULL,
                status       TEXT NOT NULL,
                attempts     INTEGER NOT NULL DEFAULT 0,
                last_error   TEXT,
                lease_until  TEXT,
                created_at   TEXT NOT NULL,
                sent_at      TEXT,
                enqueued_at  TEXT
            );
            CREATE INDEX notifications_by_waitlist ON notifications (waitlist_id, id);
            CREATE INDEX notifications_unenqueued ON notifications (created_at) WHERE enqueued_at IS NULL;

            CREATE TABLE queue_messages (
                id            TEXT PRIMARY KEY,
                queue         TEXT NOT NULL,
                body          TEXT NOT NULL,
                visible_at    TEXT NOT NULL,
                receive_count INTEGER NOT NULL DEFAULT 0,
                receipt       TEXT,
                created_at    TEXT NOT NULL
            );
            CREATE INDEX queue_messages_visible ON queue_messages (queue, visible_at);

            CREATE TABLE queue_dead_letters (
                id            TEXT PRIMARY KEY,
                queue         TEXT NOT NULL,
                body          TEXT NOT NULL,
                receive_count INTEGER NOT NULL,
                reason        TEXT NOT NULL,
                created_at    TEXT NOT NULL
            );
            """),
        (3, """
            CREATE TABLE promo_codes (
                code                TEXT PRIMARY KEY,  -- upper-case
                owner_id            TEXT NOT NULL,
                created_by          TEXT NOT NULL,
                discount_percentage INTEGER NOT NULL,
                expires_at          TEXT NOT NULL,
                description         TEXT NOT NULL,
                max_redemptions     INTEGER,
                redemptions         INTEGER NOT NULL DEFAULT 0,
                created_at          TEXT NOT NULL,
                updated_at          TEXT NOT NULL
            );
            -- One index per sort key (ending in the tie-breaker) for the admin's view, the same three under the
            -- creator for an owner's back office (thousands of codes each), and the user's by the default sort
            -- (a customer holds few codes: sorting them is cheap).
            CREATE INDEX promo_codes_by_created ON promo_codes (created_at, code);
            CREATE INDEX promo_codes_by_expiry ON promo_codes (expires_at, code);
            CREATE INDEX promo_codes_by_discount ON promo_codes (discount_percentage, code);
            CREATE INDEX promo_codes_by_creator ON promo_codes (created_by, created_at, code);
            CREATE INDEX promo_codes_by_creator_expiry ON promo_codes (created_by, expires_at, code);
            CREATE INDEX promo_codes_by_creator_discount ON promo_codes (created_by, discount_percentage, code);
            CREATE INDEX promo_codes_by_owner ON promo_codes (owner_id, created_at, code);

            -- Which order used which code: makes redeeming idempotent per order and releasing exact.
            CREATE TABLE promo_redemptions (
                code        TEXT NOT NULL REFERENCES promo_codes (code) ON DELETE CASCADE,
                order_id    TEXT NOT NULL,
                user_id     TEXT NOT NULL,
                redeemed_at TEXT NOT NULL,
                PRIMARY KEY (code, order_id)
            );

            CREATE TABLE orders (
                order_id            TEXT PRIMARY KEY,
                user_id             TEXT NOT NULL,
                restaurant_id       TEXT NOT NULL,
                status              TEXT NOT NULL,
                items               TEXT NOT NULL,  -- JSON array of {name, quantity, unitPrice}
                subtotal            TEXT NOT NULL,  -- decimals as invariant text: exact, never summed in SQL
                promo_code          TEXT,
                discount_percentage INTEGER,
                discount            TEXT NOT NULL,
                total               TEXT NOT NULL,
                created_at          TEXT NOT NULL,
                updated_at          TEXT NOT NULL,
                version             INTEGER NOT NULL
            );
            CREATE INDEX orders_by_user ON orders (user_id, created_at, order_id);
            CREATE INDEX orders_by_restaurant ON orders (restaurant_id, created_at, order_id);
            CREATE INDEX orders_by_time ON orders (created_at, order_id);

            CREATE TABLE idempotency_records (
                key                   TEXT PRIMARY KEY,  -- caller | path | client key
                fingerprint           TEXT NOT NULL,
                lease_token           TEXT NOT NULL,
                lease_until           TEXT NOT NULL,
                expires_at            TEXT NOT NULL,
                response_status       INTEGER,           -- NULL while in flight
                response_content_type TEXT,
                response_location     TEXT,
                response_body         BLOB
            );
            CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);

            -- What the hourly sweep deletes (DynamoDB's TTL and SQS's retention do the same on AWS).
            CREATE INDEX sessions_by_expiry ON sessions (expires_at);
            CREATE INDEX queue_dead_letters_by_age ON queue_dead_letters (created_at);
            """),
        (4, """
            -- Menus: one table, its primary key the index that reads a menu (and the items an order names) at once.
            CREATE TABLE menu_items (
                restaurant_id TEXT NOT NULL,  -- the owner account's user id
                id            TEXT NOT NULL,
                name          TEXT NOT NULL,
                description   TEXT,
                price         TEXT NOT NULL,  -- decimal as invariant text: exact
                category      TEXT,
                available     INTEGER NOT NULL,
                created_at    TEXT NOT NULL,
                updated_at    TEXT NOT NULL,
                PRIMARY KEY (restaurant_id, id)
            ) WITHOUT ROWID;

            -- The restaurant directory: owners by name (A–Z case-insensitive, as DynamoDB's gsi2 sorts them).
            CREATE INDEX users_by_role_name ON users (role, lower(name), id);

            -- Promo codes are bound to a restaurant (NULL: every restaurant). Codes issued before this step were
            -- issued by owners for their own restaurant, so each takes its creator as its restaurant.
            ALTER TABLE promo_codes ADD COLUMN restaurant_id TEXT;
            UPDATE promo_codes SET restaurant_id = created_by;
            CREATE INDEX promo_codes_by_restaurant ON promo_codes (restaurant_id, created_at, code);

            -- Order lines now also hold menuItemId, lineTotal and note inside orders.items (JSON): lines written
            -- before this step read with lineTotal = quantity × unitPrice and no menuItemId (see OrderPricing).
            """),
        (5, """
            -- The fingerprint of the request that placed the order: a retry of the same request gets this order back.
            ALTER TABLE orders ADD COLUMN request_fingerprint TEXT;
            """),
        (6, """
            -- Restaurants as their own records, run by their members (docs/architecture.md, "Restaurants and staff").
            CREATE TABLE restaurants (
                id          TEXT PRIMARY KEY,  -- restaurants from before this step keep their owner account's id
                name        TEXT NOT NULL,
                description TEXT,
                address     TEXT,
                phone       TEXT,
                time_zone   TEXT NOT NULL,     -- IANA
                currency    TEXT NOT NULL,     -- ISO 4217
                country     TEXT,              -- ISO 3166-1 alpha-2
                created_at  TEXT NOT NULL,
                updated_at  TEXT NOT NULL
            );
            CREATE INDEX restaurants_by_name ON restaurants (lower(name), id);

            CREATE TABLE memberships (
                restaurant_id TEXT NOT NULL,
                user_id       TEXT NOT NULL,
                role          TEXT NOT NULL,   -- OWNER | MANAGER | HOST | KITCHEN
                since         TEXT NOT NULL,
                PRIMARY KEY (restaurant_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX memberships_by_user ON memberships (user_id, restaurant_id);

            -- Only the token's SHA-256 is kept; a pending invitation is one whose expires_at is ahead.
            CREATE TABLE invitations (
                id               TEXT PRIMARY KEY,
                restaurant_id    TEXT NOT NULL,
                email            TEXT NOT NULL,
                email_normalized TEXT NOT NULL,
                role             TEXT NOT NULL,
                token_hash       TEXT NOT NULL UNIQUE,
                invited_by       TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                expires_at       TEXT NOT NULL
            );
            CREATE INDEX invitations_by_restaurant ON invitations (restaurant_id, created_at, id);

            -- Until this step a restaurant was an owner account. Every owner account, and every other account that
            -- holds a restaurant's records (an admin's waitlists, a code bound to it), becomes a restaurant with the
            -- same id, named after it, with the account as its OWNER: every id printed before still resolves.
            INSERT INTO restaurants (id, name, time_zone, currency, created_at, updated_at)
            SELECT id, name, 'UTC', 'USD', created_at, created_at FROM users
            WHERE role = 'owner'
                OR id IN (SELECT owner_id FROM waitlists) OR id IN (SELECT restaurant_id FROM menu_items)
                OR id IN (SELECT restaurant_id FROM orders) OR id IN (SELECT restaurant_id FROM promo_codes WHERE restaurant_id IS NOT NULL);
            INSERT INTO memberships (restaurant_id, user_id, role, since)
            SELECT id, id, 'OWNER', created_at FROM restaurants;

            -- A waitlist belongs to a restaurant (the same ids as before).
            ALTER TABLE waitlists RENAME COLUMN owner_id TO restaurant_id;
            DROP INDEX waitlists_by_owner;
            CREATE INDEX waitlists_by_restaurant ON waitlists (restaurant_id, id);

            -- An order is in its restaurant's currency at the time it was placed; every restaurant before this step was USD.
            ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
            """),
        (7, """
            -- The host's quoted wait per party (0–480; NULL: a party added before this step, read as its estimate at join
            -- from the waitlist's configured pace), and what undoing an end (restore) needs: the status the party had
            -- and its due time then (NULL on rows ended before this step: the status is told by notified_at).
            ALTER TABLE waitees ADD COLUMN quoted_wait_minutes INTEGER;
            ALTER TABLE waitees ADD COLUMN ended_from TEXT;
            ALTER TABLE waitees ADD COLUMN ended_due_at TEXT;
            """),
    ];
}
