-- Transfer requests and their approval: parts transfers, technician loans and referrals between stores, routed to
-- the right inbox, decided exactly once, applied atomically, audited. (Filled in by the approvals work.)
SELECT 1;
