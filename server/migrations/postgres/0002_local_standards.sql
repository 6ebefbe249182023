-- Local figures that the eligibility rules compare against, per county. They change every year and are
-- edited by an administrator; rows seeded from seed/local-standards-defaults.csv stay unconfirmed
-- (confirmed = false) until then, and the pages say so.
CREATE TABLE local_standards (
    county_code                    TEXT PRIMARY KEY REFERENCES counties (code),
    dibao_urban_monthly            INTEGER NOT NULL,
    dibao_rural_monthly            INTEGER NOT NULL,
    disposable_income_urban_yearly INTEGER NOT NULL,
    disposable_income_rural_yearly INTEGER NOT NULL,
    rigid_spending_share_percent   INTEGER NOT NULL,
    confirmed                      BOOLEAN NOT NULL DEFAULT FALSE
);
