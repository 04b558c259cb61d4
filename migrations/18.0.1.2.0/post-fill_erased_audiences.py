"""Erasures recorded before 18.0.1.2.0 name their audiences in ``audience_names`` only: link those audiences.

``mailchimp.consent.erased_audience_ids`` (the audiences an erasure deleted the
person from) says which rows of the customer's panel offer no box and which late
webhooks of the erasure keep no address. Each "erased" record gets the audiences
of its company whose name it lists (names joined with ", ", as Forget wrote them).
"""


def migrate(cr, version):
    cr.execute("""
        INSERT INTO mailchimp_consent_erased_audience_rel (consent_id, audience_id)
        SELECT consent.id, audience.id
          FROM mailchimp_consent AS consent
          JOIN mailchimp_audience AS audience
            ON audience.name = ANY(string_to_array(consent.audience_names, ', '))
           AND (consent.company_id IS NULL OR audience.company_id = consent.company_id)
         WHERE consent.state = 'erased' AND consent.audience_names IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM mailchimp_consent_erased_audience_rel AS rel
                            WHERE rel.consent_id = consent.id)
        ON CONFLICT DO NOTHING
    """)
