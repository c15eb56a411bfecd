-- The language each claim was submitted in (`en`, `cy`).
ALTER TABLE claims ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
