-- The web console's form login: a bcrypt hash (Spring Security's BCryptPasswordEncoder, cost 10).
-- Users made by the API bootstrap have none and cannot log in to the console with a password.
alter table users add column password_hash text;
