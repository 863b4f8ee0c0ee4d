'use strict'
// `holidays`: the built-in public holidays through the built addon. The samples below are the
// `holidays` package's own lists (version 0.109, the one the data is generated from), as Python's
// `holidays.country_holidays(code, subdiv=..., years=..., language='en_US')` gives them; the
// Python suite compares every country and subdivision over 2000-2050.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')

const { Calendar, holidays } = require('..')

const SAMPLE = {
  'US/NY/2026': [
    ['2026-01-01', "New Year's Day"],
    ['2026-01-19', "Martin Luther King Jr. Day"],
    ['2026-02-12', "Lincoln's Birthday"],
    ['2026-02-15', "Susan B. Anthony Day"],
    ['2026-02-16', "Washington's Birthday"],
    ['2026-05-25', "Memorial Day"],
    ['2026-06-19', "Juneteenth National Independence Day"],
    ['2026-07-03', "Independence Day (observed)"],
    ['2026-07-04', "Independence Day"],
    ['2026-09-07', "Labor Day"],
    ['2026-10-12', "Columbus Day"],
    ['2026-11-03', "Election Day"],
    ['2026-11-11', "Veterans Day"],
    ['2026-11-26', "Thanksgiving Day"],
    ['2026-12-25', "Christmas Day"],
  ],
  'IL//2030': [
    ['2030-04-18', "Pesach"],
    ['2030-04-24', "Seventh day of Pesach"],
    ['2030-05-08', "Independence Day"],
    ['2030-06-07', "Shavuot"],
    ['2030-09-28', "Rosh Hashanah"],
    ['2030-09-29', "Rosh Hashanah"],
    ['2030-10-07', "Yom Kippur"],
    ['2030-10-12', "Sukkot"],
    ['2030-10-19', "Simchat Torah / Shemini Atzeret"],
  ],
  'CN//2026': [
    ['2026-01-01', "New Year's Day"],
    ['2026-01-02', "Day off (substituted from 01/04/2026)"],
    ['2026-02-16', "Chinese New Year's Eve"],
    ['2026-02-17', "Chinese New Year (Spring Festival)"],
    ['2026-02-18', "Chinese New Year (Spring Festival)"],
    ['2026-02-19', "Chinese New Year (Spring Festival)"],
    ['2026-02-20', "Day off (substituted from 02/14/2026)"],
    ['2026-02-23', "Day off (substituted from 02/28/2026)"],
    ['2026-04-05', "Tomb-Sweeping Day"],
    ['2026-04-06', "Tomb-Sweeping Day (observed)"],
    ['2026-05-01', "Labor Day"],
    ['2026-05-02', "Labor Day"],
    ['2026-05-04', "Labor Day (observed)"],
    ['2026-05-05', "Day off (substituted from 05/09/2026)"],
    ['2026-06-19', "Dragon Boat Festival"],
    ['2026-09-25', "Mid-Autumn Festival"],
    ['2026-10-01', "National Day"],
    ['2026-10-02', "National Day"],
    ['2026-10-03', "National Day"],
    ['2026-10-05', "National Day (observed)"],
    ['2026-10-06', "Day off (substituted from 09/20/2026)"],
    ['2026-10-07', "Day off (substituted from 10/10/2026)"],
  ],
  'IN/MH/2027': [
    ['2027-01-26', "Republic Day"],
    ['2027-02-19', "Chhatrapati Shivaji Maharaj's Birthday"],
    ['2027-03-06', "Maha Shivaratri"],
    ['2027-03-10', "Eid al-Fitr (estimated)"],
    ['2027-03-22', "Holi"],
    ['2027-03-26', "Good Friday"],
    ['2027-04-07', "Gudi Padwa"],
    ['2027-04-14', "Dr. B. R. Ambedkar's Birthday"],
    ['2027-04-15', "Ram Navami"],
    ['2027-04-18', "Mahavira's Birthday"],
    ['2027-05-01', "Maharashtra Day"],
    ['2027-05-17', "Eid al-Adha (estimated)"],
    ['2027-05-20', "Buddha Purnima"],
    ['2027-06-16', "Ashura (estimated)"],
    ['2027-08-15', "Independence Day"],
    ['2027-08-15', "Parsi New Year (Shahenshahi)"],
    ['2027-08-15', "Prophet's Birthday (estimated)"],
    ['2027-08-25', "Janmashtami (Vaishnava)"],
    ['2027-09-04', "Ganesh Chaturthi"],
    ['2027-10-02', "Mahatma Gandhi's Birthday"],
    ['2027-10-09', "Dussehra"],
    ['2027-10-29', "Diwali"],
    ['2027-10-30', "Diwali (Bali Pratipada)"],
    ['2027-11-14', "Guru Nanak's Birthday"],
    ['2027-12-25', "Christmas"],
  ],
}

describe('holidays', () => {
  test('a sample of countries agrees with the holidays package', () => {
    for (const [key, expected] of Object.entries(SAMPLE)) {
      const [code, subdivision, year] = key.split('/')
      const h = holidays.country(code, subdivision || undefined)
      const got = h.year(Number(year)).map(d => [d.date, d.name])
      assert.deepEqual(got, expected, key)
    }
  })

  test('lookups: has, get, names, between, toJSON', () => {
    const by = holidays.country('DE', 'BY')
    assert.equal(by.has('2026-01-06'), true)
    assert.equal(by.has('2026-01-07'), false)
    assert.equal(by.get('2026-01-06'), 'Epiphany')
    assert.equal(by.get('2026-01-07'), null)
    assert.deepEqual(by.names('2026-12-25'), ['Christmas Day'])
    assert.deepEqual(by.between('2026-12-24', '2026-12-26'), [
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-26', name: 'Second Day of Christmas' },
    ])
    assert.deepEqual(by.toJSON(), { country: 'DE', subdivision: 'BY' })
    assert.deepEqual(holidays.country('DE').toJSON(), { country: 'DE' })
    assert.equal(by.name, 'Germany, Bayern')
    assert.equal(by.country, 'DE')
    assert.equal(by.subdivision, 'BY')
    assert.equal(by.firstYear, 2000)
    assert.equal(by.lastYear, 2100)
  })

  test('available lists the countries with their subdivisions', () => {
    const all = holidays.available()
    assert.ok(all.length >= 40)
    const us = all.find(c => c.code === 'US')
    assert.equal(us.name, 'United States')
    assert.ok(us.subdivisions.some(s => s.code === 'NY' && s.name === 'New York'))
    assert.equal(holidays.sourceVersion(), '0.109')
  })

  test('unknown codes and years outside the coverage throw invalid_value', () => {
    assert.throws(() => holidays.country('XX'), err => err.code === 'invalid_value' && /DE/.test(err.message))
    assert.throws(() => holidays.country('DE', 'XX'), err => err.code === 'invalid_value' && /BY/.test(err.message))
    const us = holidays.country('US')
    assert.throws(() => us.has('2101-07-04'), err => err.code === 'invalid_value')
    assert.throws(() => us.year(1999), err => err.code === 'invalid_value')
    assert.throws(() => us.has(new Date()), err => err.code === 'invalid_type')
  })

  test('a calendar closes the entry and keeps it as written', () => {
    const day = ['09:00-17:00']
    const hours = { mon: day, tue: day, wed: day, thu: day, fri: day }
    const entry = holidays.country('US', 'NY').toJSON()
    const cal = Calendar.fromObject({ timeZone: 'America/New_York', hours, holidays: [entry] })
    assert.equal(cal.isOpen('2026-11-26T15:00:00Z'), false)
    assert.equal(cal.isOpen('2026-11-27T15:00:00Z'), true)
    assert.deepEqual(cal.toJSON().holidays, [{ country: 'US', subdivision: 'NY' }])
  })
})
