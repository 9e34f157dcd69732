
module.exports = {
    MODE : process.env.NODE_ENV || 'development',
    PORT : process.env.PORT | 3000,
}
