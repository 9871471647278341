-- The SQL that tests/sqlite.rs runs through driver.c. Everything here is deterministic: no
-- 'now', no random(); reals are printed with a fixed precision by the driver or by printf().

-- ---------------------------------------------------------------------------------------------
-- Schema: tables, an index, triggers, a view
CREATE TABLE dept(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  budget REAL NOT NULL
);
CREATE TABLE emp(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dept_id INTEGER REFERENCES dept(id),
  salary REAL NOT NULL CHECK (salary > 0),
  hired TEXT NOT NULL,
  manager_id INTEGER REFERENCES emp(id)
);
CREATE INDEX emp_by_dept ON emp(dept_id, salary DESC);
CREATE INDEX emp_by_name ON emp(lower(name));
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  what TEXT NOT NULL,
  emp_id INTEGER,
  old REAL,
  new REAL
);
CREATE TRIGGER emp_raise AFTER UPDATE OF salary ON emp
  WHEN new.salary <> old.salary
BEGIN
  INSERT INTO audit(what, emp_id, old, new) VALUES ('raise', new.id, old.salary, new.salary);
END;
CREATE TRIGGER emp_leave BEFORE DELETE ON emp
BEGIN
  INSERT INTO audit(what, emp_id, old) VALUES ('leave', old.id, old.salary);
  UPDATE emp SET manager_id = old.manager_id WHERE manager_id = old.id;
END;
CREATE TRIGGER dept_budget BEFORE UPDATE OF budget ON dept
  WHEN new.budget < 0
BEGIN
  SELECT RAISE(ABORT, 'budget must not be negative');
END;
CREATE VIEW dept_stats AS
  SELECT d.name AS dept, count(e.id) AS n, total(e.salary) AS payroll, avg(e.salary) AS mean,
         min(e.salary) AS low, max(e.salary) AS high
  FROM dept d LEFT JOIN emp e ON e.dept_id = d.id
  GROUP BY d.id;

INSERT INTO dept VALUES
  (1, 'Engineering', 1500000.0), (2, 'Sales', 750000.0), (3, 'Research', 2000000.0),
  (4, 'Empty', 0.0);
INSERT INTO emp VALUES
  (1, 'Ada', 3, 185000.0, '2015-03-01', NULL),
  (2, 'Brian', 1, 142000.5, '2016-07-15', 1),
  (3, 'Chandra', 1, 128500.25, '2018-01-09', 2),
  (4, 'Dmitri', 2, 98000.0, '2019-11-30', 1),
  (5, 'Elena', 2, 101500.75, '2020-02-29', 4),
  (6, 'Farouk', 3, 156000.0, '2017-05-22', 1),
  (7, 'Grace', 1, 133333.33, '2021-08-01', 2),
  (8, 'Hiroshi', 3, 149999.99, '2022-12-12', 6),
  (9, 'Ingrid', NULL, 87000.0, '2023-04-04', 1),
  (10, 'Juan', 2, 92500.5, '2024-01-31', 4);

SELECT * FROM emp ORDER BY id;
SELECT * FROM dept_stats ORDER BY dept;

-- ---------------------------------------------------------------------------------------------
-- Joins: inner, left, self join, join through a subquery
SELECT e.name, d.name AS dept FROM emp e JOIN dept d ON d.id = e.dept_id ORDER BY d.name, e.name;
SELECT e.name, coalesce(d.name, '(none)') AS dept FROM emp e LEFT JOIN dept d ON d.id = e.dept_id
  ORDER BY e.id;
SELECT d.name, e.name FROM dept d LEFT JOIN emp e ON e.dept_id = d.id WHERE e.id IS NULL;
SELECT e.name AS employee, m.name AS manager FROM emp e LEFT JOIN emp m ON m.id = e.manager_id
  ORDER BY e.name;
SELECT e.name, e.salary, top.best FROM emp e
  JOIN (SELECT dept_id, max(salary) AS best FROM emp GROUP BY dept_id) top
    ON top.dept_id = e.dept_id AND top.best = e.salary
  ORDER BY e.name;
SELECT name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE budget > 1000000) ORDER BY name;
SELECT name FROM emp e WHERE EXISTS (SELECT 1 FROM emp r WHERE r.manager_id = e.id) ORDER BY name;

-- ---------------------------------------------------------------------------------------------
-- Triggers fire on update and delete
UPDATE emp SET salary = round(salary * 1.05, 2) WHERE dept_id = 1;
UPDATE emp SET salary = salary WHERE id = 1;
DELETE FROM emp WHERE name = 'Dmitri';
SELECT * FROM audit ORDER BY seq;
SELECT name, manager_id FROM emp WHERE dept_id = 2 ORDER BY id;
UPDATE dept SET budget = -1 WHERE id = 2;
SELECT name, budget FROM dept ORDER BY id;

-- ---------------------------------------------------------------------------------------------
-- Aggregates
SELECT count(*), count(dept_id), sum(salary), total(salary), avg(salary), min(hired), max(hired)
  FROM emp;
SELECT dept_id, count(*) AS n, printf('%.2f', avg(salary)) AS mean,
       group_concat(name, ',') AS names
  FROM (SELECT * FROM emp ORDER BY name) GROUP BY dept_id HAVING n > 1 ORDER BY dept_id;
SELECT sqrt(avg(salary * salary) - avg(salary) * avg(salary)) AS stddev FROM emp;
SELECT c_median(salary) AS median, c_hypot(3, 4) AS hyp, c_rot13('Hello, World') AS rot FROM emp;
SELECT * FROM dept_stats ORDER BY payroll DESC;

-- ---------------------------------------------------------------------------------------------
-- Window functions
SELECT name, dept_id, salary,
       rank() OVER (PARTITION BY dept_id ORDER BY salary DESC) AS rnk,
       row_number() OVER (ORDER BY hired) AS seniority,
       sum(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair,
       printf('%.3f', salary / sum(salary) OVER (PARTITION BY dept_id)) AS share,
       lag(name, 1, '-') OVER (ORDER BY id) AS prev
  FROM emp ORDER BY id;

-- ---------------------------------------------------------------------------------------------
-- Floating point
SELECT 1.0 / 3, 2.0 / 3, 1e308 * 10, -1e308 * 10, 0.1 + 0.2, 1e-300 * 1e-300;
SELECT printf('%.10f', 1.0 / 3), printf('%.17g', 0.1 + 0.2), printf('%.6e', 6.02214076e23),
       printf('%12.4f|%-12.2f|%+.3f', 3.14159265358979, 2.71828182845905, -0.0005);
SELECT sqrt(2), pi(), exp(1), ln(10), log10(12345.678), log2(1024), pow(2, 0.5),
       sin(1), cos(1), tan(0.5), atan2(1, 2), floor(-2.5), ceil(-2.5), round(2.675, 2),
       round(-3.5), trunc(7.9), mod(10.5, 3), degrees(pi() / 3);
SELECT c_hypot(x, y) FROM (SELECT 5.0 AS x, 12.0 AS y UNION ALL SELECT 1e200, 1e200
  UNION ALL SELECT 0.3, 0.4) ORDER BY 1;
SELECT CAST('3.25abc' AS REAL), CAST(2.99 AS INTEGER), CAST('0x1F' AS INTEGER), 7 / 2, 7 % 3,
       7.0 / 2, -7 / 2, 9223372036854775807 + 0, typeof(9223372036854775807 + 1);

-- ---------------------------------------------------------------------------------------------
-- Text functions
SELECT upper(name), lower(name), length(name), substr(name, 2, 3), substr(name, -2),
       replace(name, 'a', '@'), instr(name, 'an'), printf('%-8s|%10.2f|%05d', name, salary, id)
  FROM emp ORDER BY id;
SELECT name FROM emp WHERE name LIKE '%an%' ORDER BY name;
SELECT name FROM emp WHERE name LIKE 'g%' ORDER BY name;
SELECT name FROM emp WHERE name GLOB '[A-F]*' ORDER BY name;
SELECT name FROM emp WHERE name GLOB '*a' ORDER BY name;
SELECT trim('  padded  '), ltrim('xxhixx', 'x'), rtrim('xxhixx', 'x'), hex('SQLite'),
       quote('it''s'), unicode('é'), char(83, 81, 76), length('é'), octet_length('é'),
       'con' || 'cat' || NULL IS NULL, concat('a', NULL, 'b', 1.5), concat_ws('-', 'x', 'y', 'z');
SELECT printf('%s has %d chars, %5.1f%% vowels', name, length(name),
       100.0 * (length(name) - length(replace(replace(replace(replace(replace(lower(name),
       'a', ''), 'e', ''), 'i', ''), 'o', ''), 'u', ''))) / length(name)) AS vowels
  FROM emp ORDER BY name;
SELECT name FROM emp ORDER BY name COLLATE c_reverse;
SELECT name FROM emp ORDER BY name COLLATE NOCASE DESC LIMIT 3 OFFSET 2;
SELECT hex(zeroblob(4)), typeof(x'00ff'), x'48656c6c6f', length(x'0001020304'),
       hex(CAST('abc' AS BLOB)), format('%q', 'o''k'), unhex('534C');

-- ---------------------------------------------------------------------------------------------
-- Dates (fixed inputs only)
SELECT date('2024-02-28', '+1 day'), date('2023-02-28', '+1 day'), julianday('2000-01-01'),
       strftime('%Y-%m-%d %H:%M:%S', 1700000000, 'unixepoch'), strftime('%w %j', '2024-12-31'),
       date('2024-01-31', '+1 month'), time('12:34:56', '+3723 seconds'),
       unixepoch('2038-01-19 03:14:08'), timediff('2024-03-01', '2024-02-01');
SELECT name, hired, CAST(julianday('2025-01-01') - julianday(hired) AS INTEGER) AS days
  FROM emp ORDER BY hired;

-- ---------------------------------------------------------------------------------------------
-- CTEs, including recursive ones
WITH big AS (SELECT * FROM emp WHERE salary > 130000)
SELECT b.name, d.name FROM big b JOIN dept d ON d.id = b.dept_id ORDER BY b.salary;
WITH RECURSIVE fib(n, a, b) AS (
  SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 90
)
SELECT n, a FROM fib WHERE n % 10 = 0 OR n > 85;
WITH RECURSIVE chain(id, name, depth, path) AS (
  SELECT id, name, 0, name FROM emp WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.name, c.depth + 1, c.path || ' > ' || e.name
  FROM emp e JOIN chain c ON e.manager_id = c.id
)
SELECT depth, substr('........', 1, 2 * depth) || name AS tree, path FROM chain ORDER BY path;
WITH RECURSIVE
  xaxis(x) AS (VALUES(-2.0) UNION ALL SELECT x + 0.05 FROM xaxis WHERE x < 1.2),
  yaxis(y) AS (VALUES(-1.0) UNION ALL SELECT y + 0.1 FROM yaxis WHERE y < 1.0),
  m(iter, cx, cy, x, y) AS (
    SELECT 0, x, y, 0.0, 0.0 FROM xaxis, yaxis
    UNION ALL
    SELECT iter + 1, cx, cy, x * x - y * y + cx, 2.0 * x * y + cy FROM m
     WHERE (x * x + y * y) < 4.0 AND iter < 28
  ),
  m2(iter, cx, cy) AS (SELECT max(iter), cx, cy FROM m GROUP BY cx, cy),
  a(t) AS (
    SELECT group_concat(substr(' .+*#', 1 + min(iter / 7, 4), 1), '')
    FROM m2 GROUP BY cy
  )
SELECT group_concat(rtrim(t), x'0a') AS mandelbrot FROM a;
WITH RECURSIVE sieve(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM sieve WHERE n < 200)
SELECT group_concat(n, ' ') AS primes FROM sieve s
 WHERE NOT EXISTS (SELECT 1 FROM sieve t WHERE t.n * t.n <= s.n AND s.n % t.n = 0);

-- ---------------------------------------------------------------------------------------------
-- A larger table: bulk insert through a recursive CTE, an index, grouped aggregates
CREATE TABLE nums(n INTEGER PRIMARY KEY, sq INTEGER, r REAL, word TEXT);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000)
INSERT INTO nums SELECT n, n * n, sin(n) * 1000.0,
  printf('w%05d-%s', n, substr('abcdefghijklmnopqrstuvwxyz', 1 + n % 26, 1 + n % 5)) FROM c;
CREATE INDEX nums_by_r ON nums(r);
SELECT count(*), sum(sq), printf('%.6f', sum(r)), printf('%.6f', avg(r)), min(word), max(word)
  FROM nums;
SELECT n % 7 AS k, count(*), sum(n), printf('%.4f', avg(r)), max(length(word)) FROM nums
  GROUP BY k ORDER BY k;
SELECT n, printf('%.9f', r) FROM nums WHERE r > 999.99 ORDER BY r DESC LIMIT 5;
SELECT count(*) FROM nums WHERE word LIKE '%-abc%' AND n BETWEEN 5000 AND 15000;
SELECT count(DISTINCT substr(word, 8)) FROM nums;
EXPLAIN QUERY PLAN SELECT * FROM nums WHERE r BETWEEN 1.0 AND 2.0;

-- ---------------------------------------------------------------------------------------------
-- Transactions: rollback, savepoints, a failing statement inside a transaction
BEGIN;
INSERT INTO emp VALUES (11, 'Kai', 1, 99999.0, '2025-01-01', 2);
DELETE FROM nums WHERE n > 100;
SELECT (SELECT count(*) FROM emp) AS emps, (SELECT count(*) FROM nums) AS nums;
ROLLBACK;
SELECT (SELECT count(*) FROM emp) AS emps, (SELECT count(*) FROM nums) AS nums,
       (SELECT count(*) FROM audit) AS audits;
BEGIN;
INSERT INTO emp VALUES (12, 'Lena', 3, 120000.0, '2025-02-02', 1);
SAVEPOINT sp1;
UPDATE emp SET salary = salary * 2 WHERE id = 12;
SELECT name, salary FROM emp WHERE id = 12;
ROLLBACK TO sp1;
RELEASE sp1;
INSERT INTO emp VALUES (12, 'Duplicate', 3, 1.0, '2025-02-02', 1);
INSERT INTO emp VALUES (13, 'Broke', 3, -5.0, '2025-02-02', 1);
COMMIT;
SELECT id, name, salary FROM emp WHERE id >= 11 ORDER BY id;
SELECT seq, what, emp_id, old, new FROM audit ORDER BY seq;

-- ---------------------------------------------------------------------------------------------
-- UPSERT and RETURNING, generated columns, STRICT tables, JSON
CREATE TABLE stock(item TEXT PRIMARY KEY, qty INTEGER NOT NULL,
                   price REAL NOT NULL, value REAL GENERATED ALWAYS AS (qty * price) STORED)
  STRICT;
INSERT INTO stock(item, qty, price) VALUES ('bolt', 100, 0.25), ('nut', 250, 0.1),
  ('gear', 7, 12.5) RETURNING item, value;
INSERT INTO stock(item, qty, price) VALUES ('bolt', 50, 0.3)
  ON CONFLICT(item) DO UPDATE SET qty = qty + excluded.qty, price = excluded.price
  RETURNING item, qty, price, value;
INSERT INTO stock(item, qty, price) VALUES ('washer', 'many', 0.01);
SELECT item, qty, printf('%.2f', value) FROM stock ORDER BY value DESC;
SELECT json_object('item', item, 'qty', qty, 'value', value) FROM stock ORDER BY item;
SELECT json_group_array(name) FROM (SELECT name FROM emp WHERE dept_id = 3 ORDER BY name);
SELECT json_extract('{"a":[1,2,{"b":3.5,"c":"x"}],"d":null}', '$.a[2].b', '$.a[2].c', '$.d'),
       json_array_length('[1,2,3,[4,5]]'), json_type('{"k":1.5}', '$.k'),
       json_set('{"a":1}', '$.b', json('[true,false]')), json_valid('{bad'),
       '{"x":[10,20]}' ->> '$.x[1]';
SELECT key, value, type FROM json_each('{"n":1,"f":2.5,"s":"str","a":[1],"z":null}')
  ORDER BY key;

-- ---------------------------------------------------------------------------------------------
-- Final checks
SELECT * FROM dept_stats ORDER BY dept;
PRAGMA integrity_check;
