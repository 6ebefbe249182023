-- wrk: every request asks for the page at an address of its own (an unused query parameter), so that no
-- request is answered from the page cache: the cost of a page's first view.
request = function()
  return wrk.format(nil, wrk.path .. "?view=" .. math.random(1, 1000000000))
end
