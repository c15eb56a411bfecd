-- Each expense's receipt, where the finish kept it (a key in the uploads'
-- store) and the name it came with.
ALTER TABLE claim_expenses ADD COLUMN receipt_path TEXT;
ALTER TABLE claim_expenses ADD COLUMN receipt_name TEXT;
