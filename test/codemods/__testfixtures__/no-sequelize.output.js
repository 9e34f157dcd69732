const { Pool } = require('pg');

// new Sequelize() lives elsewhere; this is pg's own pool.
module.exports = new Pool({ max: 100 });
